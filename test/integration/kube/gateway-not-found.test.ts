/**
 * Which answer a request no route takes gets: 404 for a name a listener of
 * a Gateway that serves routes accepts (its host name, exact or wildcard at
 * any depth, or every name for a listener that names none), 503 for a
 * Route's own host and for a name nobody accepts; changed live, without a
 * reload.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { gatewayClassObject, gatewayObject, httpRouteObject } from '../../support/gateway-objects.ts';
import { answersTo, KubeTestbed, routeObject, serviceObject, sliceObject } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

describe('Gateway API: not found', () => {
  test('names a listener accepts answer 404, a Route\'s and unclaimed ones 503, live', async () => {
    const api = await bed.startApi();
    for (const name of ['web', 'route']) {
      api.server.create(serviceObject(name));
      api.server.create(sliceObject({ service: name, port: bed.startBackend(name).port }));
    }
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: ['--enable-gateway-api'] });
    const pathed = routeObject({ name: 'route', host: 'r.wildcard.io' });
    api.server.create({ ...pathed, spec: { ...(pathed.spec as object), path: '/r' } });
    const http = (name: string, hostname?: string) => ({ name, port: t.httpPort, protocol: 'HTTP', ...(hostname ? { hostname } : {}) });
    api.server.create(gatewayObject({ name: 'gw', listeners: [http('wild', '*.wildcard.io'), http('exact', 'very.specific.com'), http('idle', '*.idle.example.com')] }));
    api.server.create(
      httpRouteObject({ name: 'web', hostnames: ['foo.wildcard.io', 'very.specific.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/s' } }], backendRefs: [{ name: 'web' }] }] }),
    );
    await t.until('the route is served', async () => (await t.get('foo.wildcard.io', '/s')).backend === 'web');
    await t.until('the Route is served', async () => (await t.get('r.wildcard.io', '/r')).backend === 'route');
    const requests = ['foo.wildcard.io/x', 'bar.wildcard.io/s', 'a.b.wildcard.io/s', 'wildcard.io/s', 'very.specific.com/x', 'r.wildcard.io/x', 'unknown.example.org/s', 'a.idle.example.com/'];
    expect(await answersTo(t, requests)).toEqual({
      'foo.wildcard.io/x': '404', 'bar.wildcard.io/s': '404', 'a.b.wildcard.io/s': '404', 'very.specific.com/x': '404',
      // A listener of the Gateway no route attaches to: its names are the Gateway's too.
      'a.idle.example.com/': '404',
      // Outside every listener's names, and a Route's own host.
      'wildcard.io/s': '503', 'unknown.example.org/s': '503', 'r.wildcard.io/x': '503',
    }); // prettier-ignore

    // A listener for every host: names nobody serves are the Gateway's; a Route's host stays a Route's, and HTTPS
    // (no HTTPS listener) keeps 503.
    api.server.create(gatewayObject({ name: 'all', listeners: [http('any')] }));
    api.server.create(httpRouteObject({ name: 'only', parentRefs: [{ name: 'all' }], hostnames: ['only.example.net'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.until('an unclaimed name answers 404', async () => (await t.get('unknown.example.org', '/s')).status === 404);
    expect(await answersTo(t, ['only.example.net/', 'wildcard.io/s', 'r.wildcard.io/x', 'bar.wildcard.io/s'])).toEqual({
      'only.example.net/': 'web', 'wildcard.io/s': '404', 'r.wildcard.io/x': '503', 'bar.wildcard.io/s': '404',
    }); // prettier-ignore
    expect((await tlsGet(t.httpsPort, { host: 'unknown.example.org' })).status).toBe(503);

    // A Gateway no route is served through claims nothing.
    api.server.remove('HTTPRoute', 'default', 'only');
    api.server.remove('HTTPRoute', 'default', 'web');
    await t.until('the names are nobody\'s again', async () => (await t.get('bar.wildcard.io', '/s')).status === 503 && (await t.get('unknown.example.org', '/s')).status === 503);
    expect([...t.router.reloadCounts]).toEqual([]);
  });
});
