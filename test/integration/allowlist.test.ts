import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { allowlistFile } from '../../src/config/allowlists.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { sliceYaml } from '../support/manifests.ts';
import { getFrom } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let web: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  web = startBackend('web');
});

afterEach(async () => {
  await t?.stop();
  t = undefined;
});

afterAll(async () => {
  await web.stop();
});

const HOST = 'guarded.example.com';
const routeYaml = (annotations: Record<string, string>) =>
  [
    'apiVersion: route.openshift.io/v1',
    'kind: Route',
    'metadata:',
    '  name: guarded',
    '  namespace: default',
    ...(Object.keys(annotations).length > 0 ? ['  annotations:', ...Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`)] : []),
    'spec:',
    `  host: ${HOST}`,
    '  to: { kind: Service, name: web }',
    '',
  ].join('\n');
const allowlist = (value: string) => routeYaml({ 'haproxy.router.openshift.io/ip_allowlist': value });
const workerPids = async (router: TestRouter) => (await router.router.supervisor.procState())?.workerPids;

describe('haproxy.router.openshift.io/ip_allowlist', () => {
  test('only the listed addresses and ranges are answered; the list changes live', async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': allowlist('127.0.0.2 127.0.1.0/24'), 'eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }) } });
    expect(await getFrom('127.0.0.2', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
    expect(await getFrom('127.0.1.7', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
    expect(await getFrom('127.0.0.1', t.httpPort, HOST)).toBeUndefined();

    const pids = await workerPids(t);
    await t.write('r.yaml', allowlist('127.0.0.1'));
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect(await workerPids(t)).toEqual(pids);
    expect(await getFrom('127.0.0.1', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
    expect(await getFrom('127.0.0.2', t.httpPort, HOST)).toBeUndefined();
  });

  test('the legacy ip_whitelist works the same, and ip_allowlist wins over it', async () => {
    t = await startTestRouter({
      manifests: {
        'r.yaml': routeYaml({ 'haproxy.router.openshift.io/ip_whitelist': '127.0.0.3', 'haproxy.router.openshift.io/ip_allowlist': '127.0.0.2' }),
        'eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }),
      },
    });
    expect(await getFrom('127.0.0.2', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
    expect(await getFrom('127.0.0.3', t.httpPort, HOST)).toBeUndefined();
    await t.write('r.yaml', routeYaml({ 'haproxy.router.openshift.io/ip_whitelist': '127.0.0.3' }));
    expect(await getFrom('127.0.0.3', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
  });

  test('invalid entries are dropped and reported in the route\'s notice; hostile values never reach a file', async () => {
    t = await startTestRouter({
      manifests: { 'r.yaml': allowlist('127.0.0.2 010.0.0.1 1.2.3.4}\n 127.0.0.9/33 %[src]'), 'eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }) },
    });
    expect(t.router.lastCommit()?.notices.get('default/guarded')).toContain('ip_allowlist: invalid entries dropped');
    expect(await getFrom('127.0.0.2', t.httpPort, HOST)).toEqual({ status: 200, backend: 'web' });
    expect(await getFrom('127.0.0.1', t.httpPort, HOST)).toBeUndefined();
    const names = [...new Bun.Glob('**').scanSync({ cwd: `${t.workingDir}/conf`, followSymlinks: true })];
    const acl = allowlistFile('be_http:default:guarded');
    expect(names).toContain(acl);
    expect(await Bun.file(`${t.workingDir}/conf/${acl}`).text()).toBe('127.0.0.2\n');
    for (const name of names) expect(await Bun.file(`${t.workingDir}/conf/${name}`).text()).not.toMatch(/010\.0\.0\.1|1\.2\.3\.4\}|127\.0\.0\.9/);
    // The client address is sampled in the forwarded headers only.
    const sampled = (await Bun.file(`${t.workingDir}/conf/haproxy.config`).text()).split('\n').filter((l) => l.includes('%[src]'));
    expect(sampled.filter((l) => !/^ {2}http-request (add|set)-header (X-Forwarded-For %\[src\]|Forwarded for=)/.test(l))).toEqual([]);
  });

  test('an annotation without effect (pool-size, as upstream) is named in a warning and the route\'s notice', async () => {
    t = await startTestRouter({
      manifests: { 'r.yaml': routeYaml({ 'router.openshift.io/pool-size': '5' }), 'eps.yaml': sliceYaml({ service: 'web', ports: [web.port] }) },
    });
    expect(t.router.lastCommit()?.notices.get('default/guarded')).toContain('router.openshift.io/pool-size: has no effect');
    await t.waitForLog((r) => r.level === 'warn' && r.msg.includes('default/guarded') && r.msg.includes('router.openshift.io/pool-size'));
    expect((await t.get(HOST)).status).toBe(200);
  });
});
