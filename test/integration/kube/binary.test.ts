import { afterEach, beforeAll, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeTestbed, createApp } from '../../support/kube-harness.ts';
import { builtRouter, haproxyPidsUsing } from '../../support/processes.ts';
import { freePortPair, get } from '../../support/net.ts';
import { shortTempDir } from '../../support/workdir.ts';

setDefaultTimeout(30_000);

let binary = '';
beforeAll(() => {
  binary = builtRouter();
});

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** Lines of a process output stream, read on demand: `until` reads until a line matches, false if the stream ended first. */
function lineReader(stream: ReadableStream<Uint8Array>) {
  const lines: string[] = [];
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let partial = '';
  return {
    lines,
    async until(match: (line: string) => boolean): Promise<boolean> {
      while (!lines.some(match)) {
        const { value, done } = await reader.read();
        if (done) return false;
        const parts = (partial + decoder.decode(value, { stream: true })).split('\n');
        partial = parts.pop() ?? '';
        lines.push(...parts);
      }
      return true;
    },
  };
}

test('dist/router with --master serves a route from the API, writes its status, and exits 0 on SIGTERM', async () => {
  const api = await bed.startApi();
  createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('bin').port });
  const dir = shortTempDir();
  const runDir = join(dir.path, 'w', 'run');
  const [httpPort, httpsPort] = await freePortPair();
  const proc = Bun.spawn(
    [
      binary,
      `--master=${api.server.url}`,
      `--token=${api.token}`,
      `--certificate-authority=${api.caFile}`,
      '--allow-loopback-endpoints',
      '--bind-address=127.0.0.1',
      `--http-port=${httpPort}`,
      `--https-port=${httpsPort}`,
      `--working-dir=${join(dir.path, 'w')}`,
      '--log-format=json',
      '--interval=0s',
    ],
    // Only PATH (for haproxy) and no graceful delay on stop: no KUBECONFIG or HOME, so nothing but the flags says where the API is.
    {
      cwd: dir.path,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  );
  bed.onTeardown(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    for (const pid of haproxyPidsUsing(runDir)) process.kill(pid, 'SIGKILL');
    dir.remove();
  });

  const out = lineReader(proc.stdout);
  if (!(await out.until((l) => l.includes('router ready')))) {
    throw new Error(`router exited before ready: ${await new Response(proc.stderr).text()}\n${out.lines.join('\n')}`);
  }
  for (const l of out.lines) expect(() => JSON.parse(l)).not.toThrow();
  const res = await get(httpPort, 'web.example.com', '/hello');
  expect(res.status).toBe(200);
  expect(res.body).toBe('bin /hello\n');

  const write = await api.server.waitForRequest((r) => r.method === 'PATCH' && r.path === '/apis/route.openshift.io/v1/namespaces/default/routes/web/status');
  expect(write.headers.authorization).toBe(`Bearer ${api.token}`);
  const masterPid = Number(readFileSync(join(runDir, 'haproxy.pid'), 'utf8').trim());
  expect(haproxyPidsUsing(runDir)).toContain(masterPid);

  proc.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(haproxyPidsUsing(runDir)).toEqual([]);
});
