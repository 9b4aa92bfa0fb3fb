/**
 * Runs inside its own network namespace (see test/support/netns.ts): fixed
 * good tenants, and next to them hostile Routes and EndpointSlices drawn
 * from a seed (ROUTER_TEST_SEED), created, changed and deleted in batches
 * through the API while the router runs. After every batch it records what
 * the good tenants got and whether the config on disk loads; at the end a
 * good tenant's change must still go live, and haproxy restarted from disk
 * must serve the good tenants.
 */
import { checkConfig } from '../../../src/haproxy/check-config.ts';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { prng } from '../../support/hostile-routes.ts';
import { hostileApiObjects } from '../../support/hostile-objects.ts';
import { KubeTestbed, modify, serviceObject, sliceObject, type KubeTestRouter } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

const GOOD_HOST = 'good.example.com';
const SECURE_HOST = 'secure.example.com';

interface Observation {
  batch: string;
  plain: string | null;
  api: string | null;
  secure: { status: number | undefined; backend: string | undefined; cn: string | undefined };
  configLoads: boolean;
  checkOutput: string[];
  goodRejected: string[];
  /** Hostile routes admitted and rejected (by reason): the seed exercised both sides. */
  hostileAdmitted: number;
  hostileRejected: Record<string, number>;
}

async function observe(t: KubeTestRouter, batch: string): Promise<Observation> {
  const secure = await tlsGet(t.httpsPort, { servername: SECURE_HOST, host: SECURE_HOST });
  const check = await checkConfig('haproxy', t.router.store.configPath);
  const rejections = t.router.lastCommit()?.rejections ?? new Map();
  return {
    batch,
    plain: (await t.get(GOOD_HOST)).backend,
    api: (await t.get(GOOD_HOST, '/api/x')).backend,
    secure: { status: secure.status, backend: secure.headers['x-backend'], cn: secure.peerCN },
    configLoads: check.ok,
    checkOutput: check.output,
    goodRejected: [...rejections.keys()].filter((k) => k.startsWith('good/')),
    hostileAdmitted: [...(t.router.lastCommit()?.admitted.values() ?? [])].filter((r) => r.namespace.startsWith('tenant-')).length,
    hostileRejected: [...rejections.entries()].filter(([k]) => k.startsWith('tenant-')).reduce<Record<string, number>>((n, [, r]) => ({ ...n, [r.reason]: (n[r.reason] ?? 0) + 1 }), {}),
  };
}

/** What a seed's run reports back to the test. */
export interface TenantPropertyResult {
  seed: number;
  hostileObjects: number;
  observations: Observation[];
  errors: string[];
}

export default async function tenantProperty(): Promise<TenantPropertyResult> {
  const seed = Number(process.env.ROUTER_TEST_SEED ?? '1');
  const rand = prng(seed);
  const bed = new KubeTestbed();
  try {
    const ca = makeCA('good-ca');
    const goodCert = makeLeaf(ca, { dnsNames: [SECURE_HOST] });
    const g1 = bed.startBackend('g1');
    const g2 = bed.startBackend('g2');
    const g3 = bed.startBackend('g3');
    const g4 = bed.startBackend('g4');
    const api = await bed.startApi();
    const older = '2020-01-01T00:00:00Z';
    api.server.create(serviceObject('plain', 'good'));
    api.server.create(sliceObject({ service: 'plain', port: g1.port, namespace: 'good' }));
    api.server.create({
      kind: 'Route',
      metadata: { name: 'plain', namespace: 'good', creationTimestamp: older },
      spec: { host: GOOD_HOST, to: { kind: 'Service', name: 'plain', weight: 100 }, wildcardPolicy: 'None' },
    });
    api.server.create(serviceObject('api', 'good'));
    api.server.create(sliceObject({ service: 'api', port: g3.port, namespace: 'good' }));
    api.server.create({
      kind: 'Route',
      metadata: { name: 'api', namespace: 'good', creationTimestamp: older },
      spec: { host: GOOD_HOST, path: '/api', to: { kind: 'Service', name: 'api', weight: 100 }, wildcardPolicy: 'None' },
    });
    api.server.create(serviceObject('secure', 'good'));
    api.server.create(sliceObject({ service: 'secure', port: g2.port, namespace: 'good' }));
    api.server.create({
      kind: 'Route',
      metadata: { name: 'secure', namespace: 'good', creationTimestamp: older },
      spec: { host: SECURE_HOST, to: { kind: 'Service', name: 'secure', weight: 100 }, tls: { termination: 'edge', certificate: goodCert.cert, key: goodCert.key }, wildcardPolicy: 'None' },
    });
    const t = await bed.startRouter(api, { args: ['--allow-wildcard-routes'] });
    await t.untilServed(GOOD_HOST, 'g1');

    // Each watch delivers in order: once the sentinel's route and slice changes of a batch are served, the router
    // has seen every route and slice event written before them.
    const sentinels = [bed.startBackend('sentinel-a'), bed.startBackend('sentinel-b')];
    api.server.create(serviceObject('sentinel', 'sentinel'));
    api.server.create(sliceObject({ service: 'sentinel', port: sentinels[0]!.port, namespace: 'sentinel' }));
    api.server.create({ kind: 'Route', metadata: { name: 'sentinel', namespace: 'sentinel' }, spec: { host: 'sentinel-0.example.com', to: { kind: 'Service', name: 'sentinel', weight: 100 } } });
    let round = 0;
    const settled = async () => {
      round++;
      const backend = sentinels[round % 2]!;
      modify(api.server, 'Route', 'sentinel', 'sentinel', (r) => {
        (r.spec as { host: string }).host = `sentinel-${round}.example.com`;
      });
      modify(api.server, 'EndpointSlice', 'sentinel', 'sentinel-abcde', (sl) => {
        (sl.ports as { port: number }[])[0]!.port = backend.port;
      });
      await t.untilServed(`sentinel-${round}.example.com`, backend.name);
      await t.router.flush();
    };
    await settled();

    const observations: Observation[] = [];
    // Hostile slices may reach g1 (a pod is reachable, under the hostile tenant's own hosts) and their own h1.
    const h1 = bed.startBackend('h1');
    const hostile = hostileApiObjects(rand, { count: 60, goodHosts: [GOOD_HOST, SECURE_HOST], victimPorts: [g1.port, h1.port] });
    // Batch 1: everything created; batch 2: half of it rewritten; batch 3: a third deleted.
    for (const obj of hostile.initial) api.server.create(obj);
    await settled();
    observations.push(await observe(t, 'created'));
    for (const obj of hostile.rewritten) api.server.update(obj);
    await settled();
    observations.push(await observe(t, 'rewritten'));
    for (const ref of hostile.deleted) api.server.remove(ref.kind, ref.namespace, ref.name);
    await settled();
    observations.push(await observe(t, 'deleted'));

    // The secure tenant's rotation goes wrong (a key that does not match): its host stays unserved, nobody else's.
    const secureTls = (certificate: string, key: string) =>
      modify(api.server, 'Route', 'good', 'secure', (r) => {
        (r.spec as { tls: Record<string, string> }).tls = { termination: 'edge', certificate, key };
      });
    const rotated = makeLeaf(ca, { dnsNames: [SECURE_HOST] });
    secureTls(rotated.cert, goodCert.key);
    await settled();
    observations.push(await observe(t, 'owner-broke'));
    secureTls(goodCert.cert, goodCert.key);
    await settled();

    // A later change of a good tenant still goes live.
    modify(api.server, 'EndpointSlice', 'good', 'plain-abcde', (s) => {
      (s.ports as { port: number }[])[0]!.port = g4.port;
    });
    await t.untilServed(GOOD_HOST, 'g4');
    // haproxy killed, and started again from what is on disk.
    const ready = t.router.supervisor.nextReady();
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    await t.untilServed(GOOD_HOST, 'g4');
    observations.push(await observe(t, 'restarted'));
    // haproxy's own alerts (a hostile backend left without servers) and the restart after the SIGKILL above are expected.
    const errors = t.logs.filter((r) => r.level === 'error' && r.tag !== 'haproxy' && r.tag !== 'supervisor').map((r) => `${r.tag}: ${r.msg}`);
    return { seed, hostileObjects: hostile.initial.length, observations, errors };
  } finally {
    await bed.teardown();
  }
}
