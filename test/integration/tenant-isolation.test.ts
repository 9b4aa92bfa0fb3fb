import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf, type Authority } from '../support/certs.ts';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { routeJson, routeYaml, sliceYaml, type RouteTlsSpec } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

/**
 * What one tenant writes changes only that tenant's traffic: an owner whose
 * route breaks later keeps its host, and nobody else's route takes it.
 */
let ca: Authority;
let owners: TestBackend;
let intruders: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  ca = makeCA('tenant-ca');
  owners = startBackend('owner');
  intruders = startBackend('intruder');
});

afterEach(async () => {
  await t?.stop();
  t = undefined;
});

afterAll(async () => {
  await owners.stop();
  await intruders.stop();
});

const HOST = 'shop.example.com';
const endpoints = () => `${sliceYaml({ service: 'owner', namespace: 'a', ports: [owners.port] })}---\n${sliceYaml({ service: 'intruder', namespace: 'b', ports: [intruders.port] })}`;
const owner = (tls: RouteTlsSpec | undefined, path?: string) =>
  routeJson({ name: 'owner', namespace: 'a', host: HOST, service: 'owner', tls, ...(path === undefined ? {} : { path }), creationTimestamp: '2026-01-01T00:00:00Z' });
const intruder = routeJson({ name: 'intruder', namespace: 'b', host: HOST, service: 'intruder', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' }, creationTimestamp: '2026-02-01T00:00:00Z' });

const BYSTANDER = 'other.example.com';
const bystander = (port: number) =>
  `${routeYaml({ name: 'app', namespace: 'c', host: BYSTANDER })}---\n${sliceYaml({ service: 'app', namespace: 'c', ports: [port] })}`;

/** Nobody may answer for the host but its owner, over plain HTTP and over TLS. */
async function expectNotIntruder(router: TestRouter): Promise<void> {
  expect((await router.get(HOST)).backend).not.toBe('intruder');
  const tls = await tlsGet(router.httpsPort, { servername: HOST, host: HOST });
  expect(tls.headers?.['x-backend']).not.toBe('intruder');
}

/**
 * After an owner's route broke: the host is still nobody else's, another
 * tenant's later change goes live, the config on disk loads, and haproxy
 * killed and started again from it keeps all of that.
 */
async function expectIsolated(router: TestRouter): Promise<void> {
  await expectNotIntruder(router);
  await router.write('bystander.yaml', bystander(intruders.port));
  expect((await router.get(BYSTANDER)).backend).toBe('intruder');
  expect(await checkConfig('haproxy', router.router.store.configPath)).toEqual({ ok: true, output: [] });
  const ready = router.router.supervisor.nextReady();
  process.kill(router.router.supervisor.masterPid as number, 'SIGKILL');
  await ready;
  await expectNotIntruder(router);
  expect((await router.get(BYSTANDER)).backend).toBe('intruder');
  expect(router.router.lastCommit()?.rejections.get('b/intruder')?.reason).toBe('HostAlreadyClaimed');
}

describe('an owner whose route breaks keeps its host', () => {
  test('a rotation with a key that does not match', async () => {
    const good = makeLeaf(ca, { dnsNames: [HOST] });
    t = await startTestRouter({
      manifests: {
        'owner.json': owner({ termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: good.cert, key: good.key }),
        'intruder.json': intruder,
        'eps.yaml': endpoints(),
        'bystander.yaml': bystander(owners.port),
      },
    });
    expect((await t.get(HOST)).backend).toBe('owner');
    expect(t.router.lastCommit()?.rejections.get('b/intruder')?.reason).toBe('HostAlreadyClaimed');
    const rotated = makeLeaf(ca, { dnsNames: [HOST] });
    await t.write('owner.json', owner({ termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: rotated.cert, key: good.key }));
    expect(t.router.lastCommit()?.rejections.get('a/owner')?.reason).toBe('ExtendedValidationFailed');
    expect(t.router.lastCommit()?.rejections.get('b/intruder')?.reason).toBe('HostAlreadyClaimed');
    await expectIsolated(t);
  });

  test('a path that can never match', async () => {
    t = await startTestRouter({ manifests: { 'owner.json': owner(undefined), 'intruder.json': intruder, 'eps.yaml': endpoints(), 'bystander.yaml': bystander(owners.port) } });
    await t.write('owner.json', owner(undefined, '/cart?x'));
    expect(t.router.lastCommit()?.rejections.get('a/owner')?.reason).toBe('ExtendedValidationFailed');
    expect(t.router.lastCommit()?.rejections.get('b/intruder')?.reason).toBe('HostAlreadyClaimed');
    await expectIsolated(t);
  });

  test('a certificate haproxy refuses: the quarantined owner still holds its host', async () => {
    const weak = makeLeaf(ca, { dnsNames: [HOST], keyType: 'rsa', rsaBits: 1024 });
    t = await startTestRouter({ args: ['--extended-validation=false'], manifests: { 'owner.json': owner(undefined), 'intruder.json': intruder, 'eps.yaml': endpoints(), 'bystander.yaml': bystander(owners.port) } });
    await t.write('owner.json', owner({ termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: weak.cert, key: weak.key }));
    expect(t.router.lastCommit()?.rejections.get('a/owner')?.message).toContain('haproxy refused');
    expect(t.router.lastCommit()?.rejections.get('b/intruder')?.reason).toBe('HostAlreadyClaimed');
    await expectIsolated(t);
  });
});
