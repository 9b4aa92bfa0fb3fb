import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtRouter, haproxyPidsUsing } from '../support/processes.ts';
import pkg from '../../package.json' with { type: 'json' };
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, get } from '../support/net.ts';
import { shortTempDir } from '../support/workdir.ts';

let binary = '';
beforeAll(() => {
  binary = builtRouter();
});

const dir = shortTempDir();
afterAll(() => dir.remove());

function run(args: string[]) {
  // From an empty directory: the binary must need nothing beside it.
  const p = Bun.spawnSync([binary, ...args], { cwd: dir.path, env: {}, stdout: 'pipe', stderr: 'pipe' });
  return { code: p.exitCode, stdout: p.stdout.toString(), stderr: p.stderr.toString() };
}

describe('dist/router', () => {
  test('--version prints the version', () => {
    const r = run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(pkg.version);
  });

  test('--help lists the flags with their defaults', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--manifests', '--master', '--strict-sni', '--interval', '--working-dir', '--haproxy-binary']) expect(r.stdout).toContain(flag);
  });

  test('an unknown flag is an error naming it', () => {
    const r = run(['--no-such-flag']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--no-such-flag');
  });

  describe('a haproxy it cannot use', () => {
    /** Runs dist/router on an empty manifest dir with `--haproxy-binary`; resolves with its exit and its JSON log. */
    async function runWith(haproxyBinary: string) {
      const run = shortTempDir();
      try {
        mkdirSync(join(run.path, 'm'));
        const started = Date.now();
        const proc = Bun.spawn(
          [binary, `--manifests=${join(run.path, 'm')}`, `--working-dir=${join(run.path, 'w')}`, '--bind-address=127.0.0.1', '--log-format=json', `--haproxy-binary=${haproxyBinary}`],
          { cwd: dir.path, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdout: 'pipe', stderr: 'pipe' },
        );
        const [code, stdout] = await Promise.all([proc.exited, new Response(proc.stdout).text()]);
        const errors = stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { level: string; msg: string }).filter((r) => r.level === 'error');
        return { code, errors: errors.map((r) => r.msg), ms: Date.now() - started };
      } finally {
        run.remove();
      }
    }

    test('a missing one fails the start at once, saying what to install', async () => {
      const r = await runWith('/nonexistent/haproxy');
      expect(r.code).toBe(1);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^cannot run haproxy "\/nonexistent\/haproxy" .*: install haproxy 2\.6 or newer or point --haproxy-binary/);
      expect(r.ms).toBeLessThan(5000);
    });

    test('a too-old one fails the start at once, naming its version', async () => {
      const fake = join(dir.path, 'haproxy-2.4');
      writeFileSync(fake, '#!/bin/sh\necho "HAProxy version 2.4.22-0ubuntu0.22.04.3 2023/08/14 - https://haproxy.org/"\n');
      chmodSync(fake, 0o755);
      const r = await runWith(fake);
      expect(r.code).toBe(1);
      expect(r.errors).toEqual([`haproxy 2.4.22-0ubuntu0.22.04.3 ("${fake}") is too old: router needs haproxy 2.6 or newer`]);
      expect(r.ms).toBeLessThan(5000);
    });
  });

  describe('serving', () => {
    let backend: TestBackend;
    beforeAll(() => {
      backend = startBackend('bin');
    });
    afterAll(async () => {
      await backend.stop();
    });

    /** Starts dist/router on one manifest and resolves once it logs that it is ready. */
    async function startBinary(opts: { detached: boolean }) {
      const run = shortTempDir();
      const manifests = join(run.path, 'm');
      const workingDir = join(run.path, 'w');
      mkdirSync(manifests);
      writeFileSync(join(manifests, 'app.yaml'), routeYaml({ name: 'app', host: 'app.example.com' }) + '---\n' + sliceYaml({ service: 'app', ports: [backend.port] }));
      const [httpPort, httpsPort] = await freePortPair();
      const proc = Bun.spawn(
        [binary, `--manifests=${manifests}`, `--working-dir=${workingDir}`, '--bind-address=127.0.0.1', `--http-port=${httpPort}`, `--https-port=${httpsPort}`, '--log-format=json', '--interval=100ms'],
        {
          cwd: dir.path,
          // No load balancer in front to wait for: stop without the graceful delay.
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' },
          stdout: 'pipe',
          stderr: 'pipe',
          detached: opts.detached,
        },
      );
      const lines: string[] = [];
      const reader = proc.stdout.getReader();
      const decoder = new TextDecoder();
      let buffered = '';
      const readLines = async (until: (l: string) => boolean) => {
        while (!lines.some(until)) {
          const { value, done } = await reader.read();
          if (done) return;
          buffered += decoder.decode(value, { stream: true });
          const parts = buffered.split('\n');
          buffered = parts.pop() ?? '';
          lines.push(...parts);
        }
      };
      await readLines((l) => l.includes('router ready'));
      if (!lines.some((l) => l.includes('router ready'))) {
        throw new Error(`router exited before ready: ${await new Response(proc.stderr).text()}`);
      }
      const cleanup = () => {
        if (proc.exitCode === null) proc.kill('SIGKILL');
        for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
        run.remove();
      };
      return { proc, lines, readLines, httpPort, runDir: join(workingDir, 'run'), cleanup };
    }

    test('serves a manifest through haproxy, then stops on SIGTERM leaving no process behind', async () => {
      const r = await startBinary({ detached: false });
      try {
        // Every line is JSON with --log-format=json.
        for (const l of r.lines) expect(() => JSON.parse(l)).not.toThrow();
        const res = await get(r.httpPort, 'app.example.com', '/hello');
        expect(res.status).toBe(200);
        expect(res.body).toBe('bin /hello\n');

        const masterPid = Number(readFileSync(join(r.runDir, 'haproxy.pid'), 'utf8').trim());
        expect(haproxyPidsUsing(r.runDir)).toContain(masterPid);

        r.proc.kill('SIGTERM');
        expect(await r.proc.exited).toBe(0);
        expect(haproxyPidsUsing(r.runDir)).toEqual([]);
      } finally {
        r.cleanup();
      }
    });

    test('Ctrl-C (SIGINT to the whole process group) drains haproxy through the router', async () => {
      const r = await startBinary({ detached: true });
      try {
        process.kill(-r.proc.pid, 'SIGINT');
        expect(await r.proc.exited).toBe(0);
        await r.readLines(() => false);
        expect(r.lines.some((l) => l.includes('draining connections'))).toBe(true);
        // haproxy stopped because the router asked it to, not because the terminal's SIGINT reached it.
        expect(r.lines.some((l) => l.includes('(Interrupt)'))).toBe(false);
        expect(haproxyPidsUsing(r.runDir)).toEqual([]);
      } finally {
        r.cleanup();
      }
    });
  });
});
