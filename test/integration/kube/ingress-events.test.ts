import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { FakeApiServer } from '../../support/fake-api/fake-api-server.ts';
import { ingressObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, routeObject } from '../../support/kube-harness.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const INGRESS = ['--enable-ingress'];

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
    const t = await bed.startRouter(api, { args: INGRESS });
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

  test('a router that may not create Events says so once and serves on', async () => {
    const api = await bed.startApi({ forbidden: ['events'] });
    api.server.create(ingressObject({ name: 'a', rules: [{ host: 'a.example.com', paths: [{ service: 'missing' }] }] }));
    api.server.create(ingressObject({ name: 'b', rules: [{ host: 'b.example.com', paths: [{ service: 'missing' }] }] }));
    bed.app(api.server, 'web');
    const t = await bed.startRouter(api, { args: INGRESS });
    await t.untilWritten('the refusal is said', () => t.logs.some((r) => r.msg.startsWith('cannot create Events (forbidden)')));
    api.server.create(ingressObject({ name: 'c', rules: [{ host: 'c.example.com', paths: [{ service: 'missing' }] }] }));
    api.server.create(routeObject({ name: 'web', host: 'web.example.com', service: 'web' }));
    await t.untilServed('web.example.com', 'web');
    await t.untilWritten('nothing more is tried', () => true);
    expect(t.logs.filter((r) => r.msg.startsWith('cannot create Events'))).toHaveLength(1);
    expect(api.server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/events'))).toHaveLength(1);
  });
});
