import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { RESOURCES } from '../../support/fake-api/kinds.ts';
import { tlsGet } from '../../support/tls-client.ts';
import type { FakeApiServer } from '../../support/fake-api/fake-api-server.ts';
import { ingressClassObject, ingressObject, storedLoadBalancer, tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, modify, namespaceObject, routeObject, type KubeTestRouter } from '../../support/kube-harness.ts';
import type { LoadBalancerIngress } from '../../../src/status/load-balancer-status.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const order = (entries: LoadBalancerIngress[]) => entries.map((e) => JSON.stringify(e)).sort();

/** Waits, after every router given has finished its status writes, until the Ingress's entries are `want`, in any order. */
async function untilEntries(routers: KubeTestRouter | KubeTestRouter[], name: string, want: LoadBalancerIngress[]): Promise<void> {
  const all = Array.isArray(routers) ? routers : [routers];
  const [t] = all;
  if (!t) throw new Error('no router');
  let last: LoadBalancerIngress[] = [];
  await t
    .until(`status.loadBalancer.ingress of ${name} is ${JSON.stringify(want)}`, async () => {
      await Promise.all(all.map((r) => r.router.ingressStatus?.idle()));
      last = storedLoadBalancer(t.api.server, 'default', name);
      return Bun.deepEquals(order(last), order(want));
    })
    .catch((err: Error) => {
      throw new Error(`${err.message}; stored: ${JSON.stringify(last)}`);
    });
}

/** The RBAC resource names the ClusterRoles of `files` (in deploy/) grant. */
function grantedBy(...files: string[]): Set<string> {
  const docs = files.flatMap((f) => parseAllDocuments(readFileSync(join(import.meta.dir, '../../../deploy', f), 'utf8')).map((d) => d.toJS()));
  const roles = docs.filter((d) => d?.kind === 'ClusterRole') as { rules: { resources: string[] }[] }[];
  return new Set(roles.flatMap((r) => r.rules.flatMap((rule) => rule.resources)));
}

const ingressStatusWrites = (server: FakeApiServer, name: string) =>
  server.requests.filter((r) => r.method === 'PUT' && r.path === `/apis/networking.k8s.io/v1/namespaces/default/ingresses/${name}/status`);

describe('Ingress status', () => {
  test('the canonical hostname is written once the Ingress\'s routes are admitted, and cleared when they are not', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(ingressObject({ name: 'web', creationTimestamp: '2024-01-01T00:00:00Z', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }] }));
    const t = await bed.startRouter(api, { args: ['--enable-ingress', '--router-canonical-hostname=router.example.com'] });
    await untilEntries(t, 'web', [{ hostname: 'router.example.com' }]);
    expect(ingressStatusWrites(api.server, 'web')).toHaveLength(1);

    // An older Route takes the host: the Ingress's route is rejected, and the entry goes.
    api.server.create(routeObject({ name: 'older', host: 'web.example.com', service: 'web', creationTimestamp: '2020-01-01T00:00:00Z' }));
    await untilEntries(t, 'web', []);
    api.server.remove('Route', 'default', 'older');
    await untilEntries(t, 'web', [{ hostname: 'router.example.com' }]);

    // Given to another controller: no longer ours, so the entry goes too.
    api.server.create(ingressClassObject('nginx', 'k8s.io/ingress-nginx'));
    modify(api.server, 'Ingress', 'default', 'web', (i) => {
      (i.spec as { ingressClassName?: string }).ingressClassName = 'nginx';
    });
    await untilEntries(t, 'web', []);
  });

  test('several routers each add and remove only their own entry; without a canonical hostname a router bound to one address writes it', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }] }));
    const alpha = await bed.startRouter(api, { args: ['--enable-ingress', '--name=alpha'] });
    const beta = await bed.startRouter(api, { args: ['--enable-ingress', '--name=beta', '--router-canonical-hostname=beta.example.com'] });
    const gamma = await bed.startRouter(api, {
      args: ['--enable-ingress', '--name=gamma', '--router-canonical-hostname=gamma.example.com', '--ingress-class-controller=example.com/gamma'],
    });
    const all = [alpha, beta, gamma];
    await untilEntries(all, 'web', [{ ip: '127.0.0.1' }, { hostname: 'beta.example.com' }, { hostname: 'gamma.example.com' }]);

    // gamma's class becomes the default: Ingresses without a class are gamma's alone, and the others take their entries back.
    api.server.create(ingressClassObject('gamma', 'example.com/gamma', true));
    await untilEntries(all, 'web', [{ hostname: 'gamma.example.com' }]);
    for (const t of all) expect(t.logs.filter((r) => r.msg.includes('keeps changing'))).toEqual([]);
  });

  test('an Ingress with only a default backend gets no entry; --update-status=false writes none', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(ingressObject({ name: 'greedy', defaultBackend: { service: 'web' }, rules: [] }));
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }] }));
    const quiet = await bed.startRouter(api, { args: ['--enable-ingress', '--update-status=false'] });
    const t = await bed.startRouter(api, { args: ['--enable-ingress', '--name=writer'] });
    await untilEntries(t, 'web', [{ ip: '127.0.0.1' }]);
    expect(quiet.router.ingressStatus).toBeUndefined();
    expect(ingressStatusWrites(api.server, 'greedy')).toEqual([]);
  });

  test('the ClusterRoles of deploy/rbac.yaml and deploy/rbac-ingress.yaml are enough: with every other resource forbidden, a TLS Ingress is served and its status written', async () => {
    const granted = grantedBy('rbac.yaml', 'rbac-ingress.yaml');
    const forbidden = RESOURCES.flatMap((r) => [r.plural, ...r.subresources.map((sub) => `${r.plural}/${sub}`)]).filter((r) => !granted.has(r));
    expect(grantedBy('rbac.yaml').has('secrets')).toBe(false);
    const api = await bed.startApi({ forbidden });
    bed.app(api.server, 'web');
    api.server.create(tlsSecretObject('web-tls', makeLeaf(makeCA('rbac-test'), { dnsNames: ['web.example.com'] })));
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web', port: 80 }] }], tls: [{ hosts: ['web.example.com'], secretName: 'web-tls' }] }));
    const launched = bed.launchRouter(api, { args: ['--enable-ingress'] });
    const refused = launched.waitForLog((r) => r.msg.includes(' 403 Forbidden')).then((r) => Promise.reject(new Error(r.msg)));
    const t = await Promise.race([launched.ready, refused]);
    expect((await tlsGet(t.httpsPort, { servername: 'web.example.com', host: 'web.example.com' })).headers['x-backend']).toBe('web');
    await untilEntries(t, 'web', [{ ip: '127.0.0.1' }]);
  });
});

interface StoredEvent {
  metadata: { namespace: string };
  involvedObject: { kind: string; namespace: string; name: string; uid?: string };
  type: string;
  reason: string;
  message: string;
}

const eventsOn = (server: FakeApiServer, name: string) =>
  (server.list('Event') as unknown as StoredEvent[]).filter((e) => e.involvedObject.kind === 'Ingress' && e.involvedObject.name === name);

describe('Events on Ingresses', () => {
  test('what is not served of an Ingress is an Event on it, once for the same words; a rejected route of it a Warning with the reason', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'shop');
    const shop = api.server.create(
      ingressObject({ name: 'shop', namespace: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: 'web' }, { path: '/api', service: 'api', port: 'http' }] }] }),
    );
    const t = await bed.startRouter(api, { args: ['--enable-ingress'] });
    await t.untilWritten('the missing Service is told', () => eventsOn(api.server, 'shop').length === 1);
    const [event] = eventsOn(api.server, 'shop');
    expect(event).toMatchObject({
      metadata: { namespace: 'shop' },
      involvedObject: { kind: 'Ingress', namespace: 'shop', name: 'shop', uid: shop.metadata.uid },
      type: 'Normal',
      reason: 'IncompleteIngressToRouteRules',
      message: 'Incomplete ingress to route rules detected: host shop.example.com path "/api" is not served: Service shop/api not found',
    });

    // Other changes, and commits, say nothing new.
    bed.app(api.server, 'other', 'shop');
    api.server.create(routeObject({ name: 'other', namespace: 'shop', host: 'other.example.com', service: 'other' }));
    await t.untilServed('other.example.com', 'other');
    await t.untilWritten('nothing more is told', () => true);
    expect(eventsOn(api.server, 'shop')).toHaveLength(1);

    // An older Route of another namespace holds a host the Ingress names: a Warning, in the words of a route status.
    bed.app(api.server, 'owner', 'first');
    api.server.create(routeObject({ name: 'owner', namespace: 'first', host: 'taken.example.com', service: 'owner', creationTimestamp: '2020-01-01T00:00:00Z' }));
    api.server.update({
      ...ingressObject({ name: 'shop', namespace: 'shop', rules: [{ host: 'shop.example.com', paths: [{ path: '/', service: 'web' }] }, { host: 'taken.example.com', paths: [{ path: '/', service: 'web' }] }] }),
      metadata: { ...shop.metadata },
    });
    await t.untilWritten('the rejection is told', () => eventsOn(api.server, 'shop').some((e) => e.reason === 'HostAlreadyClaimed'));
    const rejected = eventsOn(api.server, 'shop').find((e) => e.reason === 'HostAlreadyClaimed');
    expect([rejected?.type, rejected?.message]).toEqual(['Warning', 'host taken.example.com is not served: a route in another namespace holds taken.example.com and is older than Ingress shop']);
    expect((await t.get('taken.example.com')).backend).toBe('owner');
  });

  test('a router serving some namespaces (--namespace-labels) tells only their Ingresses: the others are another shard\'s', async () => {
    const api = await bed.startApi();
    api.server.create(namespaceObject('ours', { shard: 'a' }));
    api.server.create(namespaceObject('theirs', { shard: 'b' }));
    for (const namespace of ['ours', 'theirs']) api.server.create(ingressObject({ name: 'web', namespace, rules: [{ host: `${namespace}.example.com`, paths: [{ service: 'missing' }] }] }));
    const t = await bed.startRouter(api, { args: ['--enable-ingress', '--namespace-labels=shard=a'] });
    await t.untilWritten('ours is told', () => (api.server.list('Event') as unknown as StoredEvent[]).length > 0);
    await t.untilWritten('nothing more', () => true);
    expect((api.server.list('Event') as unknown as StoredEvent[]).map((e) => e.involvedObject.namespace)).toEqual(['ours']);
  });

  test('a router that may not create Events says so once and serves on', async () => {
    const api = await bed.startApi({ forbidden: ['events'] });
    api.server.create(ingressObject({ name: 'a', rules: [{ host: 'a.example.com', paths: [{ service: 'missing' }] }] }));
    api.server.create(ingressObject({ name: 'b', rules: [{ host: 'b.example.com', paths: [{ service: 'missing' }] }] }));
    bed.app(api.server, 'web');
    const t = await bed.startRouter(api, { args: ['--enable-ingress'] });
    await t.untilWritten('the refusal is said', () => t.logs.some((r) => r.msg.startsWith('cannot create Events (forbidden)')));
    api.server.create(ingressObject({ name: 'c', rules: [{ host: 'c.example.com', paths: [{ service: 'missing' }] }] }));
    api.server.create(routeObject({ name: 'web', host: 'web.example.com', service: 'web' }));
    await t.untilServed('web.example.com', 'web');
    await t.untilWritten('nothing more is tried', () => true);
    expect(t.logs.filter((r) => r.msg.startsWith('cannot create Events'))).toHaveLength(1);
    expect(api.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'))).toHaveLength(1);
  });
});
