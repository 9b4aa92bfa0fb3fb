import { afterAll, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shortTempDir } from '../support/workdir.ts';

const unitPath = resolve(import.meta.dir, '../../packaging/router.service');
const unit = readFileSync(unitPath, 'utf8');
const dir = shortTempDir('unit');
afterAll(() => dir.remove());

/** systemd-analyze verify; its findings are warnings on stderr, with exit 0, so both are returned. */
function verify(text: string): { code: number; stderr: string } {
  const path = join(dir.path, 'router.service');
  writeFileSync(path, text);
  const p = Bun.spawnSync(['systemd-analyze', 'verify', path], { stderr: 'pipe', stdout: 'pipe' });
  return { code: p.exitCode, stderr: p.stderr.toString() + p.stdout.toString() };
}

// verify insists that ExecStart names an executable that exists; the binary is only there once installed.
const withExistingBinary = (text: string) => text.replace('ExecStart=/usr/local/bin/router ', 'ExecStart=/bin/true ');

test('packaging/router.service passes systemd-analyze verify without a warning', () => {
  expect(withExistingBinary(unit)).not.toBe(unit);
  expect(verify(withExistingBinary(unit))).toEqual({ code: 0, stderr: '' });
});

test('systemd-analyze verify would catch a broken unit (the check above can fail)', () => {
  expect(verify(withExistingBinary(unit.replace('KillMode=process', 'KillMode=procces'))).stderr).toContain('Failed to parse kill mode specification, ignoring: procces');
});

test.each([
  ['readiness from the main process', ['Type=notify', 'NotifyAccess=main']],
  ['settings from the env file, flags from ROUTER_ARGS', ['EnvironmentFile=/etc/router/router.env', 'ExecStart=/usr/local/bin/router --working-dir=/var/lib/router $ROUTER_ARGS']],
  ['an unprivileged user that may bind 80 and 443', ['User=router', 'AmbientCapabilities=CAP_NET_BIND_SERVICE', 'NoNewPrivileges=yes']],
  ['a read-only system but for its state dir', ['ProtectSystem=strict', 'ProtectHome=yes', 'PrivateTmp=yes', 'StateDirectory=router', 'StateDirectoryMode=0750', 'WorkingDirectory=/var/lib/router']],
  ['haproxy outlives a router that crashed or handed over', ['KillMode=process', 'Restart=always']],
  ['room for a graceful stop and large configurations', ['TimeoutStopSec=90s', 'LimitNOFILE=1048576']],
])('%s', (_name, lines) => {
  for (const line of lines) expect(unit.split('\n')).toContain(line);
});
