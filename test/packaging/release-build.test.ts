import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { shortTempDir } from '../support/workdir.ts';

const repo = resolve(import.meta.dir, '../..');
const dir = shortTempDir('rel');
afterAll(() => dir.remove());

/** e_machine of an ELF file: 62 is x86-64, 183 aarch64. */
const elfMachine = (path: string) => readFileSync(path).readUInt16LE(18);

// Needs the npm registry (or bun's cache) for the runtimes of the targets bun is not.
test('build:release writes exactly the two binaries and a SHA256SUMS that sha256sum -c accepts', async () => {
  const out = join(dir.path, 'release');
  // Left from an earlier build: it must not be published.
  mkdirSync(out);
  writeFileSync(join(out, 'router-linux-riscv64'), '');
  const build = Bun.spawn(['bun', 'run', 'build:release'], { cwd: repo, env: { ...process.env, ROUTER_RELEASE_DIR: out }, stdout: 'pipe', stderr: 'pipe' });
  const [stdout, stderr, code] = await Promise.all([new Response(build.stdout).text(), new Response(build.stderr).text(), build.exited]);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toContain('wrote');

  expect(readdirSync(out).sort()).toEqual(['SHA256SUMS', 'router-linux-amd64', 'router-linux-arm64']);
  expect(readFileSync(join(out, 'SHA256SUMS'), 'utf8')).toMatch(/^[0-9a-f]{64} {2}router-linux-amd64\n[0-9a-f]{64} {2}router-linux-arm64\n$/);
  const check = Bun.spawnSync(['sha256sum', '--check', '--strict', 'SHA256SUMS'], { cwd: out });
  expect(check.stdout.toString()).toBe('router-linux-amd64: OK\nrouter-linux-arm64: OK\n');
  expect(check.exitCode).toBe(0);

  expect(elfMachine(join(out, 'router-linux-amd64'))).toBe(62);
  expect(elfMachine(join(out, 'router-linux-arm64'))).toBe(183);
  const native = join(out, process.arch === 'arm64' ? 'router-linux-arm64' : 'router-linux-amd64');
  expect(Bun.spawnSync([native, '--version']).stdout.toString().trim()).toBe(`router ${pkg.version}`);
}, 120_000);
