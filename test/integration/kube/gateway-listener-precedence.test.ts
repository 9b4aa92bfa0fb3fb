import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, routeParentConditions, tlsRouteObject } from '../../support/gateway-objects.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, type KubeTestRouter } from '../../support/kube-harness.ts';
import type { FakeApiServer } from '../../support/fake-api/fake-api-server.ts';
import type { ListenerSpec } from '../../support/gateway-objects.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const accepted = (s: FakeApiServer, kind: 'HTTPRoute' | 'TLSRoute', namespace: string, name: string) => brief(routeParentConditions(s, kind, namespace, name))[0];
const answer = async (t: KubeTestRouter, host: string, path = '/') => {
  const r = await t.get(host, path);
  return r.status === 200 ? r.backend : String(r.status);
};
const OPEN = { namespaces: { from: 'All' as const } };

/**
 * The admin's listener names secure.example.com; a listener open to every namespace names *.example.com, on the
 * router's same port (on another Gateway, or the same one). A tenant's route through the open one names the admin's
 * host exactly, and is older than the admin's route.
 */
async function adminAndTenant(sameGateway: boolean) {
  const api = await bed.startApi();
  const s = api.server;
  bed.app(s, 'admin-web', 'infra');
  bed.app(s, 'tenant-web', 'tenant');
  s.create(gatewayClassObject());
  const t = await bed.startRouter(api, { args: GATEWAY_API });
  const admin: ListenerSpec = { name: 'admin', port: t.httpPort, protocol: 'HTTP', hostname: 'secure.example.com' };
  const open: ListenerSpec = { name: 'public', port: t.httpPort, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: OPEN };
  if (sameGateway) s.create(gatewayObject({ name: 'gw', namespace: 'infra', listeners: [admin, open] }));
  else {
    s.create(gatewayObject({ name: 'admin', namespace: 'infra', listeners: [admin] }));
    s.create(gatewayObject({ name: 'public', namespace: 'infra', listeners: [open] }));
  }
  const parent = (gateway: string, section: string) => ({ name: sameGateway ? 'gw' : gateway, namespace: 'infra', ...(sameGateway ? { sectionName: section } : {}) });
  s.create(httpRouteObject({ name: 'steal', namespace: 'tenant', creationTimestamp: '2021-01-01T00:00:00Z', parentRefs: [parent('public', 'public')], hostnames: ['secure.example.com'], rules: [{ matches: [{ path: { value: '/app' } }], backendRefs: [{ name: 'tenant-web' }] }] }));
  s.create(httpRouteObject({ name: 'open', namespace: 'tenant', creationTimestamp: '2021-01-01T00:00:00Z', parentRefs: [parent('public', 'public')], rules: [{ backendRefs: [{ name: 'tenant-web' }] }] }));
  s.create(httpRouteObject({ name: 'admin', namespace: 'infra', creationTimestamp: '2022-01-01T00:00:00Z', parentRefs: [parent('admin', 'admin')], rules: [{ matches: [{ path: { value: '/app' } }], backendRefs: [{ name: 'admin-web' }] }] }));
  await t.untilServed('other.example.com', 'tenant-web');
  await t.untilWritten('every route judged', () => [accepted(s, 'HTTPRoute', 'tenant', 'steal'), accepted(s, 'HTTPRoute', 'infra', 'admin')].every((c) => c !== undefined));
  return { s, t };
}

describe('a name a Gateway listener names exactly is that listener\'s', () => {
  test.each([
    ['on another Gateway', false],
    ['on the same Gateway', true],
  ])('HTTP, %s: a tenant route through the open wildcard listener neither takes the admin\'s host nor fills in its paths', async (_, sameGateway) => {
    const { s, t } = await adminAndTenant(sameGateway);
    expect([await answer(t, 'secure.example.com', '/app'), await answer(t, 'secure.example.com', '/'), await answer(t, 'secure.example.com', '/login')]).toEqual(['admin-web', '404', '404']);
    expect(accepted(s, 'HTTPRoute', 'infra', 'admin')).toBe('Accepted=True/Accepted');
    expect(accepted(s, 'HTTPRoute', 'tenant', 'steal')).toBe('Accepted=False/NoMatchingListenerHostname');
    // The open listener's other names stay the tenant's.
    expect(await answer(t, 'other.example.com', '/app')).toBe('tenant-web');
  });

  test.each([
    ['HTTP', false],
    ['TLS passthrough', true],
  ])('%s: a listener that no route is attached to yet still holds its name against the open wildcard listener\'s routes', async (_, passthrough) => {
    const api = await bed.startApi();
    const s = api.server;
    const ca = makeCA('listener-no-route-ca');
    bed.app(s, 'tenant-web', 'tenant');
    s.create(tlsSecretObject('secure', makeLeaf(ca, { dnsNames: ['secure.example.com'] }), 'infra'));
    s.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    const admin: ListenerSpec = passthrough
      ? { name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: 'secure.example.com', tls: { certificateRefs: [{ name: 'secure' }] } }
      : { name: 'http', port: t.httpPort, protocol: 'HTTP', hostname: 'secure.example.com' };
    const open: ListenerSpec = passthrough
      ? { name: 'tls', port: t.httpsPort, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: { ...OPEN, kinds: [{ kind: 'TLSRoute' }] } }
      : { name: 'http', port: t.httpPort, protocol: 'HTTP', hostname: '*.example.com', allowedRoutes: OPEN };
    s.create(gatewayObject({ name: 'admin', namespace: 'infra', listeners: [admin] }));
    s.create(gatewayObject({ name: 'public', namespace: 'infra', listeners: [open] }));
    const parentRefs = [{ name: 'public', namespace: 'infra' }];
    if (passthrough) s.create(tlsRouteObject({ name: 'wide', namespace: 'tenant', parentRefs, hostnames: ['*.example.com'], backendRefs: [{ name: 'tenant-web' }] }));
    else s.create(httpRouteObject({ name: 'wide', namespace: 'tenant', parentRefs, rules: [{ backendRefs: [{ name: 'tenant-web' }] }] }));
    if (passthrough) {
      // The tenant's backend is plain HTTP: a handshake it got would fail. The router terminates instead (the default
      // certificate: a listener serves its own with a route only) and answers the Gateway's 404.
      await t.until('the open listener passes other names through', async () => (await tlsGet(t.httpsPort, { servername: 'other.example.com', host: 'other.example.com' })).error !== undefined);
      const r = await tlsGet(t.httpsPort, { servername: 'secure.example.com', host: 'secure.example.com' });
      expect([r.status, r.error]).toEqual([404, undefined]);
    } else {
      await t.untilServed('other.example.com', 'tenant-web');
      expect(await answer(t, 'secure.example.com')).toBe('404');
    }
  });

  test('TLS: a passthrough TLSRoute through an open wildcard listener does not take the SNI of the admin\'s HTTPS listener', async () => {
    const api = await bed.startApi();
    const s = api.server;
    const ca = makeCA('listener-precedence-ca');
    bed.app(s, 'admin-web', 'infra');
    bed.app(s, 'tenant-tls', 'tenant');
    s.create(tlsSecretObject('secure', makeLeaf(ca, { dnsNames: ['secure.example.com'] }), 'infra'));
    s.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    s.create(gatewayObject({ name: 'admin', namespace: 'infra', listeners: [{ name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: 'secure.example.com', tls: { certificateRefs: [{ name: 'secure' }] } }] }));
    s.create(gatewayObject({ name: 'public', namespace: 'infra', listeners: [{ name: 'tls', port: t.httpsPort, protocol: 'TLS', hostname: '*.example.com', tls: { mode: 'Passthrough' }, allowedRoutes: { ...OPEN, kinds: [{ kind: 'TLSRoute' }] } }] }));
    const steal = tlsRouteObject({ name: 'steal', namespace: 'tenant', parentRefs: [{ name: 'public', namespace: 'infra' }], hostnames: ['secure.example.com'], backendRefs: [{ name: 'tenant-tls' }] });
    const wide = tlsRouteObject({ name: 'wide', namespace: 'tenant', parentRefs: [{ name: 'public', namespace: 'infra' }], hostnames: ['*.example.com'], backendRefs: [{ name: 'tenant-tls' }] });
    for (const r of [steal, wide]) (r.metadata as Record<string, unknown>).creationTimestamp = '2021-01-01T00:00:00Z';
    s.create(steal);
    s.create(wide);
    s.create(httpRouteObject({ name: 'admin', namespace: 'infra', creationTimestamp: '2022-01-01T00:00:00Z', parentRefs: [{ name: 'admin' }], rules: [{ backendRefs: [{ name: 'admin-web' }] }] }));
    await t.until('the admin route is served over HTTPS', async () => (await tlsGet(t.httpsPort, { servername: 'secure.example.com', host: 'secure.example.com' })).headers['x-backend'] === 'admin-web');
    const r = await tlsGet(t.httpsPort, { servername: 'secure.example.com', host: 'secure.example.com' });
    expect([r.status, r.headers['x-backend'], r.peerSAN]).toEqual([200, 'admin-web', 'DNS:secure.example.com']);
    await t.untilWritten('judged', () => accepted(s, 'TLSRoute', 'tenant', 'steal') === 'Accepted=False/NoMatchingListenerHostname' && accepted(s, 'HTTPRoute', 'infra', 'admin') === 'Accepted=True/Accepted');
  });
});
