/**
 * The most configuration files the router spreads a model over (4,226, config/config-files.ts), in the
 * longest working dir it accepts: haproxy's master re-executes itself with all their paths in one
 * environment variable, which Linux limits to 128 KiB. With absolute paths, 4,160 files (a 100,000-route
 * model, before the cap) made the re-execution fail ("Argument list too long") and the master never
 * served its socket; the master now names them relative to its directory.
 */
import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE, configFileNames, MAX_BACKEND_FILES, MAX_CHECK_FILES } from '../../src/config/config-files.ts';
import { ROUTE_DEFAULTS_FILE } from '../../src/config/route-defaults.ts';
import { masterCommand, masterDirectory } from '../../src/haproxy/master-command.ts';
import { haproxyEnv } from '../../src/haproxy/haproxy-env.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { parseShowProc } from '../../src/haproxy/show-proc.ts';
import { checkSocketPaths, workingPaths } from '../../src/working-paths.ts';
import { freePort } from '../support/net.ts';

const base = mkdtempSync(join(tmpdir(), 'cfgn-'));
let haproxy: Bun.Subprocess<'ignore', 'ignore', 'pipe'> | undefined;
afterAll(async () => {
  // SIGTERM: the master takes its worker along.
  if (haproxy && haproxy.exitCode === null) {
    process.kill(haproxy.pid, 'SIGTERM');
    await haproxy.exited;
  }
  rmSync(base, { recursive: true, force: true });
});

test('haproxy loads the most files from the longest working dir, and its master re-executes and serves its socket', async () => {
  const workingDir = join(base, 'w'.repeat(71 - base.length - 1));
  const paths = workingPaths(workingDir);
  checkSocketPaths(paths);
  expect(() => checkSocketPaths(workingPaths(`${workingDir}x`))).toThrow();
  const conf = join(workingDir, 'conf');
  mkdirSync(conf, { recursive: true });
  mkdirSync(paths.run, { recursive: true });
  const port = await freePort();
  writeFileSync(join(conf, CONFIG_FILE), `global\n  stats socket ${paths.adminSocket} mode 600 level admin\ndefaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 5s\nfrontend public\n  bind 127.0.0.1:${port}\n  http-request return status 200\n`);
  const names = configFileNames({ backends: MAX_BACKEND_FILES, checks: MAX_CHECK_FILES });
  for (const name of [ROUTE_DEFAULTS_FILE, ...names.backends, ...names.checks]) writeFileSync(join(conf, name), `# ${name}\n`);

  const stderr: string[] = [];
  // As the supervisor starts it: the files named from the master's directory (haproxy/master-command.ts).
  const master = { haproxyBinary: '/usr/sbin/haproxy', masterSocketPath: paths.masterSocket, configPath: join(conf, CONFIG_FILE), pidFile: paths.pidFile, adminSocketPath: paths.adminSocket };
  haproxy = Bun.spawn(masterCommand(master), { cwd: masterDirectory(master), env: haproxyEnv(), stdin: 'ignore', stdout: 'ignore', stderr: 'pipe' });
  void new Response(haproxy.stderr).text().then((text) => stderr.push(text));
  let workers = 0;
  for (let tries = 0; workers === 0 && tries < 200 && haproxy.exitCode === null; tries++) {
    const reply = await socketCommand(paths.masterSocket, 'show proc').catch(() => '');
    workers = parseShowProc(reply)?.workerPids.length ?? 0;
    if (workers === 0) await Bun.sleep(50);
  }
  expect(workers).toBe(1);
  expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
  process.kill(haproxy.pid, 'SIGTERM');
  await haproxy.exited;
  expect(stderr.join('')).not.toContain('Failed to reexecute');
});
