/**
 * dist/router serving its metrics on an address other than loopback, in a
 * network namespace of its own: refused without credentials (it exits
 * before binding anything), served with them, and /metrics read from the
 * compiled binary, where prom-client must work under `bun build --compile`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend } from '../../support/backend.ts';
import { killBinaryRouter, spawnBinaryRouter } from '../../support/binary-router.ts';
import { routeYaml, sliceYaml } from '../../support/manifests.ts';
import { builtRouter } from '../../support/processes.ts';
import { ip } from '../../support/netns.ts';
import { parseExposition } from '../../support/prometheus.ts';
import { shortTempDir } from '../../support/workdir.ts';

const ADDRESS = '10.201.0.1';
const STATS_PORT = 1936;

export default async function metricsAddress() {
  ip('addr', 'add', `${ADDRESS}/32`, 'dev', 'lo');
  const tmp = shortTempDir('rma');
  const backend = startBackend('hello');
  const manifestsDir = join(tmp.path, 'm');
  await Bun.write(join(manifestsDir, 'hello.yaml'), `${routeYaml({ name: 'hello', host: 'hello.example.com' })}---\n${sliceYaml({ service: 'hello', ports: [backend.port] })}`);
  const base = { manifestsDir, httpPort: 10080, httpsPort: 10443 };
  const refused = Bun.spawnSync([builtRouter(), `--manifests=${manifestsDir}`, `--working-dir=${join(tmp.path, 'w1')}`, '--metrics-type=haproxy', `--listen-addr=0.0.0.0:${STATS_PORT}`], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stderr: 'pipe',
  });
  writeFileSync(join(tmp.path, 'user'), 'admin\n');
  writeFileSync(join(tmp.path, 'password'), 's3cret\n');
  const router = spawnBinaryRouter({
    ...base,
    workingDir: join(tmp.path, 'w2'),
    args: ['--metrics-type=haproxy', `--listen-addr=${ADDRESS}:${STATS_PORT}`],
    env: { STATS_USERNAME_FILE: join(tmp.path, 'user'), STATS_PASSWORD_FILE: join(tmp.path, 'password') },
  });
  try {
    await router.ready();
    const url = `http://${ADDRESS}:${STATS_PORT}`;
    const auth = { Authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}` };
    const withoutCredentials = (await fetch(`${url}/metrics`)).status;
    const metrics = await fetch(`${url}/metrics`, { headers: auth });
    const families = parseExposition(await metrics.text());
    const ready = await fetch(`${url}/healthz/ready`);
    router.proc.kill('SIGTERM');
    return {
      refused: { exit: refused.exitCode, stderr: refused.stderr.toString() },
      withoutCredentials,
      withCredentials: metrics.status,
      names: [...families.keys()],
      haproxyUp: families.get('haproxy_up')?.samples[0]?.value,
      ready: { status: ready.status, body: await ready.text() },
      exit: await router.exited,
    };
  } finally {
    killBinaryRouter(router);
    await backend.stop();
    tmp.remove();
  }
}
