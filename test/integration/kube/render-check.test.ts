import { afterEach, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeTestbed, createApp, statusWrites } from '../../support/kube-harness.ts';
import { builtRouter } from '../../support/processes.ts';
import { shortTempDir } from '../../support/workdir.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** dist/router with a command and the flags that reach the fake API; resolves with its exit code and output. */
async function router(command: string, args: string[]) {
  const api = await bed.startApi();
  createApp(api.server, { name: 'web', host: 'web.example.com', port: 8080, namespace: 'shop' });
  const dir = shortTempDir();
  bed.onTeardown(() => dir.remove());
  const proc = Bun.spawn(
    [builtRouter(), command, `--master=${api.server.url}`, `--token=${api.token}`, `--certificate-authority=${api.caFile}`, '--allow-loopback-endpoints', ...args.map((a) => a.replace('DIR', dir.path))],
    { cwd: dir.path, env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin' }, stdout: 'pipe', stderr: 'pipe' },
  );
  bed.onTeardown(() => void (proc.exitCode === null && proc.kill('SIGKILL')));
  const [code, stdout, stderr] = await Promise.all([proc.exited, new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  return { code, stdout, stderr, dir: dir.path, statusWrites: statusWrites(api.server, 'shop', 'web') };
}

test('router render --master writes what the API holds, and writes no route status', async () => {
  const r = await router('render', ['--out=DIR/out']);
  expect(r).toMatchObject({ code: 0, stderr: "router render: warning: --allow-loopback-endpoints: endpoints from the API may point at this host's own loopback ports\n" });
  expect(readFileSync(join(r.dir, 'out', 'os_http_be_prefix.map'), 'utf8')).toBe('web.example.com/ be_http:shop:web\n');
  expect(r.statusWrites).toEqual([]);
});

test('router check --master reports the routes of the API, and writes no route status', async () => {
  const r = await router('check', []);
  expect(r.stdout).toContain('admitted    shop/web  web.example.com/ -> http -> service web\n');
  expect(r.code).toBe(0);
  expect(r.statusWrites).toEqual([]);
});
