import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { appendFileSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { runInstaller } from '../support/installer.ts';
import { builtRouter } from '../support/processes.ts';
import { ASSET as asset, fakeRouterBinary as fakeBinary, serveRelease, sha256, writeRelease } from '../support/release-server.ts';
import { listTree } from '../support/tree.ts';
import { shortTempDir } from '../support/workdir.ts';

const repo = resolve(import.meta.dir, '../..');
const packagedUnit = readFileSync(join(repo, 'packaging/router.service'), 'utf8');
const exampleEnv = readFileSync(join(repo, 'deploy/router.env.example'), 'utf8');

const tmp = shortTempDir('inst');
afterAll(() => tmp.remove());
let counter = 0;
function freshDir(name: string): string {
  const dir = join(tmp.path, `${name}-${++counter}`);
  mkdirSync(dir);
  return dir;
}

const release = (binary: string, sums?: (lines: string) => string) => writeRelease(freshDir('release'), binary, sums);

/** Tools that must never run with --root: each records its call in the log. */
const tattletales = freshDir('tattle');
const tattleLog = join(tattletales, 'calls.log');
for (const tool of ['systemctl', 'useradd', 'userdel', 'getent', 'chown', 'apt-get', 'dnf', 'yum', 'zypper', 'haproxy']) {
  writeFileSync(join(tattletales, tool), `#!/bin/sh\necho "${tool} $*" >> ${tattleLog}\n`, { mode: 0o755 });
}

/** Fails the rename that puts the new binary in place, install.sh's last step with --root. */
const failingMv = freshDir('failmv');
writeFileSync(join(failingMv, 'mv'), '#!/bin/sh\ncase "$2" in */.router.install-new) echo "mv: simulated failure" >&2; exit 1 ;; esac\nexec /bin/mv "$@"\n', { mode: 0o755 });

/** install.sh with --root, where no tattletale may ever be called. */
const install = (args: string[], opts: { env?: Record<string, string>; pathFirst?: string; wrap?: (cmd: string[]) => string[] } = {}) =>
  runInstaller(args, { scratchParent: tmp.path, env: opts.env, wrap: opts.wrap, pathFirst: [...(opts.pathFirst ? [opts.pathFirst] : []), tattletales] });

const FRESH_INSTALL = [
  'd 0755 etc',
  'd 0755 etc/router',
  'd 0755 etc/router/manifests',
  'f 0600 etc/router/router.env',
  'd 0755 etc/systemd',
  'd 0755 etc/systemd/system',
  'f 0644 etc/systemd/system/router.service',
  'd 0755 usr',
  'd 0755 usr/local',
  'd 0755 usr/local/bin',
  'f 0755 usr/local/bin/router',
  'd 0755 var',
  'd 0755 var/lib',
  'd 0750 var/lib/router',
];

let server: ReturnType<typeof serveRelease>;
let v1: string;
beforeAll(() => {
  v1 = release(fakeBinary('1.0.0-fake'));
  server = serveRelease(v1);
});
afterAll(async () => {
  await server.stop();
});
afterEach(() => {
  rmSync(tattleLog, { force: true });
});

const file = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

describe('install.sh --root', () => {
  test('installs the binary, the unit, the env file and the state dir from an HTTP mirror, and nothing else', async () => {
    const root = freshDir('root');
    const r = await install(['--root', root, '--base-url', server.url]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`installed router 1.0.0-fake as ${root}/usr/local/bin/router`);
    // Plain http is allowed (a mirror on the LAN), and said to be worth what it is.
    expect(r.stdout).toContain('warning: plain http; the checksum then only guards against a damaged download, not a forged one');
    expect(listTree(root)).toEqual(FRESH_INSTALL);
    expect(file(root, 'usr/local/bin/router')).toBe(fakeBinary('1.0.0-fake'));
    expect(file(root, 'etc/systemd/system/router.service')).toBe(packagedUnit);
    expect(file(root, 'etc/router/router.env')).toBe(exampleEnv);
    // No user, no package manager, no systemctl.
    expect(readdirSync(tattletales)).not.toContain('calls.log');
  });

  test.each<[string, (dir: string) => { args: string[]; env?: Record<string, string> }]>([
    ['a local directory', (dir) => ({ args: ['--base-url', dir] })],
    ['a file:// URL', (dir) => ({ args: [`--base-url=file://${dir}`] })],
    ['ROUTER_INSTALL_BASE_URL', (dir) => ({ args: [], env: { ROUTER_INSTALL_BASE_URL: dir } })],
  ])('installs from %s', async (_name, source) => {
    const root = freshDir('root');
    const { args, env } = source(release(fakeBinary('1.0.0-local')));
    const r = await install(['--root', root, ...args], { env });
    expect(r.code).toBe(0);
    expect(listTree(root)).toEqual(FRESH_INSTALL);
    expect(file(root, 'usr/local/bin/router')).toBe(fakeBinary('1.0.0-local'));
  });

  test('installs the real dist/router, which then runs', async () => {
    const root = freshDir('root');
    const dir = freshDir('release');
    copyFileSync(builtRouter(), join(dir, asset));
    writeFileSync(join(dir, 'SHA256SUMS'), `${sha256(readFileSync(join(dir, asset)))}  ${asset}\n`);
    const mirror = serveRelease(dir);
    try {
      const r = await install(['--root', root, '--base-url', mirror.url]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`installed router ${pkg.version}`);
    } finally {
      await mirror.stop();
    }
    const installed = Bun.spawnSync([join(root, 'usr/local/bin/router'), '--version']);
    expect(installed.stdout.toString().trim()).toBe(`router ${pkg.version}`);
  });

  test("an upgrade replaces the binary and the unit and keeps the operator's env file", async () => {
    const root = freshDir('root');
    expect((await install(['--root', root, '--base-url', server.url])).code).toBe(0);
    appendFileSync(join(root, 'etc/router/router.env'), 'ROUTER_SERVICE_NAME=edge\n');
    appendFileSync(join(root, 'etc/systemd/system/router.service'), '# edited in place\n');

    const r = await install(['--root', root, '--base-url', release(fakeBinary('2.0.0-fake'))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`keeping ${root}/etc/router/router.env`);
    expect(file(root, 'usr/local/bin/router')).toBe(fakeBinary('2.0.0-fake'));
    expect(file(root, 'etc/systemd/system/router.service')).toBe(packagedUnit);
    expect(file(root, 'etc/router/router.env')).toBe(`${exampleEnv}ROUTER_SERVICE_NAME=edge\n`);
    expect(listTree(root)).toEqual(FRESH_INSTALL);
  });

  test('--uninstall removes the binary, the unit and the state, and keeps the env file and manifests', async () => {
    const root = freshDir('root');
    expect((await install(['--root', root, '--base-url', server.url])).code).toBe(0);
    writeFileSync(join(root, 'var/lib/router/default-generated.pem'), 'state the router wrote\n');

    const r = await install(['--root', root, '--uninstall']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`kept ${root}/etc/router/router.env`);
    expect(listTree(root).filter((e) => !e.startsWith('d '))).toEqual(['f 0600 etc/router/router.env']);
    expect(listTree(root)).not.toContain('d 0750 var/lib/router');
    // The (empty) manifests directory goes; one holding the operator's manifests would stay.
    expect(listTree(root)).not.toContain('d 0755 etc/router/manifests');
  });

  test('--uninstall keeps a manifests directory that holds manifests', async () => {
    const root = freshDir('root');
    expect((await install(['--root', root, '--base-url', server.url])).code).toBe(0);
    writeFileSync(join(root, 'etc/router/manifests/app.yaml'), 'kind: Route\n');
    expect((await install(['--root', root, '--uninstall'])).code).toBe(0);
    expect(listTree(root).filter((e) => !e.startsWith('d '))).toEqual(['f 0644 etc/router/manifests/app.yaml', 'f 0600 etc/router/router.env']);
  });

  test.each([
    ['a checksum mismatch', () => release(fakeBinary('1.0.0'), (l) => l.replace(/^[0-9a-f]+(?= {2}router-linux-(amd|arm)64\n)/gm, sha256('other'))), `checksum mismatch for ${asset}`],
    ['SHA256SUMS without this architecture', () => release(fakeBinary('1.0.0'), (l) => l.split('\n').filter((x) => !x.endsWith(asset)).join('\n')), `lists no ${asset}`],
    ['a binary the mirror does not have', () => {
      const dir = release(fakeBinary('1.0.0'));
      rmSync(join(dir, asset));
      return dir;
    }, `could not download ${asset}`],
    ['a binary that does not run here', () => release(fakeBinary('1.0.0', 1)), `the downloaded ${asset} does not run on this machine`],
    ['an unsupported URL scheme', () => 'ftp://127.0.0.1/release', 'unsupported base URL ftp://127.0.0.1/release'],
    // A typo'd host name would otherwise be a directory under wherever the installer runs (say, a shared /tmp).
    ['a URL without a scheme', () => 'releases.example.com/v1', 'unsupported base URL releases.example.com/v1'],
    ['no base URL at all', () => '', 'no release URL: pass --base-url URL or set ROUTER_INSTALL_BASE_URL'],
  ])('refuses %s and installs nothing', async (_name, source, message) => {
    const root = freshDir('root');
    const base = source();
    const r = await install(['--root', root, ...(base ? ['--base-url', base] : [])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(listTree(root)).toEqual([]);
  });

  test('a failure at the last step of a fresh install undoes every earlier step', async () => {
    const root = freshDir('root');
    const r = await install(['--root', root, '--base-url', server.url], { pathFirst: failingMv });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`failed while installing ${root}/usr/local/bin/router`);
    expect(r.stderr).toContain('undoing the changes made so far');
    expect(listTree(root)).toEqual([]);
  });

  test('a failed upgrade leaves the previous installation as it was, edited unit included', async () => {
    const root = freshDir('root');
    expect((await install(['--root', root, '--base-url', server.url])).code).toBe(0);
    appendFileSync(join(root, 'etc/systemd/system/router.service'), '# edited in place\n');
    const before = listTree(root, { withContent: true });

    const r = await install(['--root', root, '--base-url', release(fakeBinary('2.0.0-fake'))], { pathFirst: failingMv });
    expect(r.code).toBe(1);
    expect(listTree(root, { withContent: true })).toEqual(before);
  });

  test('refuses to run while another run holds the lock, and changes nothing', async () => {
    const root = freshDir('root');
    // One process holds it (the shell becomes the sleep), so killing its PID releases it.
    const holder = Bun.spawn(['sh', '-c', 'exec 9<"$0" && flock 9 && echo held && exec sleep 60', root], { stdout: 'pipe', stderr: 'ignore' });
    try {
      const reader = holder.stdout.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('held\n');
      const r = await install(['--root', root, '--base-url', server.url]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`another install.sh run holds ${root}: wait for it to finish`);
      expect(listTree(root)).toEqual([]);
    } finally {
      holder.kill('SIGKILL');
      await holder.exited;
    }
    expect((await install(['--root', root, '--base-url', server.url])).code).toBe(0);
  });

  test('writes nothing outside the root: install, upgrade and uninstall pass with everything else read-only', async () => {
    const root = freshDir('root');
    // A private mount namespace where / is read-only and only the root is writable again.
    const readOnlyElsewhere = (cmd: string[]) => [
      'unshare', '--mount', '--propagation', 'private', 'sh', '-c',
      `mount -o remount,bind,ro / && mount --bind "$0" "$0" && mount -o remount,bind,rw "$0" "$0" && exec "$@"`,
      root, ...cmd,
    ];
    const upgrade = release(fakeBinary('2.0.0-fake'));
    for (const args of [['--base-url', server.url], ['--base-url', upgrade], ['--uninstall']]) {
      const r = await install(['--root', root, ...args], { wrap: readOnlyElsewhere });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const dir of r.scratch) expect(listTree(dir)).toEqual([]);
    }
    expect(listTree(root).filter((e) => !e.startsWith('d '))).toEqual(['f 0600 etc/router/router.env']);
  });
});

describe('install.sh arguments', () => {
  test('--help prints the options', async () => {
    const r = await install(['--help']);
    expect(r.code).toBe(0);
    for (const option of ['--base-url URL', '--root DIR', '--no-start', '--uninstall', 'ROUTER_INSTALL_BASE_URL']) expect(r.stdout).toContain(option);
  });

  test.each([
    [['--frobnicate'], 'unknown option --frobnicate'],
    [['--root'], '--root needs a value'],
    [['--root', '/nonexistent/root'], '--root /nonexistent/root is not a directory'],
  ])('%p is refused', async (args, message) => {
    const r = await install(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
  });
});
