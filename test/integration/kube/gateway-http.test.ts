import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, gatewayStatusOf, httpRouteObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { KubeTestbed, modify, routeObject, type KubeTestRouter } from '../../support/kube-harness.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** Our class and a Gateway `gw` with one HTTP listener on the router's HTTP port. */
function gateway(t: KubeTestRouter, hostname?: string): void {
  t.api.server.create(gatewayClassObject());
  t.api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', ...(hostname ? { hostname } : {}) }] }));
}

async function answers(t: KubeTestRouter, host: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    const res = await t.get(host, path);
    out[path] = res.status === 200 ? (res.backend ?? '?') : String(res.status);
  }
  return out;
}

describe('HTTPRoutes from the API', () => {
  test('a failed discovery of the Gateway API at start is asked again, not read as "not installed"', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.failNext(1, 503, undefined, (path) => path === '/apis/gateway.networking.k8s.io/v1');
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t);
    api.server.create(httpRouteObject({ name: 'shop', hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.untilServed('shop.example.com', 'web');
    expect(t.logs.some((r) => r.msg.includes('is not installed'))).toBe(false);
    expect(t.logs.some((r) => r.msg.startsWith('cannot discover gateway.networking.k8s.io/v1 on ') && r.msg.includes('503 Service Unavailable'))).toBe(true);
  });

  test('host and path matches (Exact, PathPrefix on segment boundaries), served and reported Accepted; an added route costs no reload', async () => {
    const api = await bed.startApi();
    for (const name of ['web', 'api', 'login']) bed.app(api.server, name);
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t);
    api.server.create(
      httpRouteObject({
        name: 'shop',
        hostnames: ['shop.example.com'],
        rules: [
          { backendRefs: [{ name: 'web' }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/api/' } }], backendRefs: [{ name: 'api' }] },
          { matches: [{ path: { type: 'Exact', value: '/login' } }], backendRefs: [{ name: 'login' }] },
        ],
      }),
    );
    await t.untilServed('shop.example.com', 'web');
    expect(await answers(t, 'shop.example.com', ['/', '/api', '/api/v1', '/apix', '/login', '/login/x'])).toEqual({
      '/': 'web',
      '/api': 'api',
      '/api/v1': 'api',
      '/apix': 'web',
      '/login': 'login',
      '/login/x': 'web',
    });
    // The listener names no host: it accepts every name, and a name no route serves is the Gateway's 404.
    expect((await t.get('other.example.com')).status).toBe(404);
    await t.untilWritten('the route is reported accepted', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'shop')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');
    await t.untilWritten('the listener counts it', () => gatewayStatusOf(api.server, 'default', 'gw').listeners?.[0]?.attachedRoutes === 1);
    const gw = gatewayStatusOf(api.server, 'default', 'gw');
    expect([brief(gw.conditions), gw.addresses]).toEqual([['Accepted=True/Accepted', 'Programmed=True/Programmed'], [{ type: 'IPAddress', value: '127.0.0.1' }]]);
    expect(brief(gw.listeners?.[0]?.conditions)).toEqual(['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs', 'Programmed=True/Programmed', 'Conflicted=False/NoConflicts']);
    expect(brief((api.server.get('GatewayClass', undefined, 'router')?.status as { conditions: [] }).conditions)).toEqual(['Accepted=True/Accepted']);

    bed.app(api.server, 'blog');
    api.server.create(httpRouteObject({ name: 'blog', hostnames: ['blog.example.com'], rules: [{ backendRefs: [{ name: 'blog' }] }] }));
    await t.untilServed('blog.example.com', 'blog');
    expect([...t.router.reloadCounts]).toEqual([]);
    // Status is written only on change: the new route changes the listener's count, not the first route's entry.
    await t.untilWritten('the listener counts both', () => gatewayStatusOf(api.server, 'default', 'gw').listeners?.[0]?.attachedRoutes === 2);
    const writes = (path: string) => api.server.requests.filter((r) => r.method === 'PUT' && r.path === `/apis/gateway.networking.k8s.io/v1/${path}/status`).length;
    expect([writes('namespaces/default/httproutes/shop'), writes('namespaces/default/httproutes/blog'), writes('gatewayclasses/router')]).toEqual([1, 1, 1]);
  });

  test('3:1 weights hold within 0.1 over 200 requests; a weight change is served without a reload; weight 0 gets no traffic', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'v1');
    bed.app(api.server, 'v2');
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t);
    api.server.create(httpRouteObject({ name: 'split', hostnames: ['split.example.com'], rules: [{ backendRefs: [{ name: 'v1', weight: 3 }, { name: 'v2', weight: 1 }] }] }));
    await t.untilServed('split.example.com', 'v1');
    const share = async (backend: string) => {
      let hits = 0;
      for (let i = 0; i < 200; i++) if ((await t.get('split.example.com')).backend === backend) hits++;
      return hits / 200;
    };
    expect(Math.abs((await share('v1')) - 0.75)).toBeLessThanOrEqual(0.1);

    const weigh = (weights: number[]) =>
      modify(api.server, 'HTTPRoute', 'default', 'split', (o) => {
        (o.spec as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]?.backendRefs.forEach((b, i) => (b.weight = weights[i] ?? 1));
      });
    weigh([1, 3]);
    await t.until('the new weights are served', async () => (await share('v2')) > 0.6);
    expect(Math.abs((await share('v2')) - 0.75)).toBeLessThanOrEqual(0.1);
    expect([...t.router.reloadCounts]).toEqual([]);

    // One service left active changes the backend's balance: that one costs a reload, as for a Route.
    weigh([0, 1]);
    await t.until('weight 0 gets no traffic', async () => (await share('v2')) === 1);
  });

  test('hostname intersection: a route serves only the names it shares with the listener; none shared is NoMatchingListenerHostname', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, '*.example.com');
    api.server.create(httpRouteObject({ name: 'both', hostnames: ['a.example.com', 'a.example.org', '*.b.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    api.server.create(httpRouteObject({ name: 'none', hostnames: ['x.example.net'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.untilServed('a.example.com', 'web');
    // Gateway API wildcards match any number of labels, never the domain itself: b.example.com is no route's, but the
    // listener's (404); a.example.org nobody's (503).
    expect(await Promise.all(['x.b.example.com', 'x.y.b.example.com', 'b.example.com', 'a.example.org'].map(async (h) => (await t.get(h)).status))).toEqual([200, 200, 404, 503]);
    await t.untilWritten('the route without a shared name is refused', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'none'))[0] === 'Accepted=False/NoMatchingListenerHostname');
    expect(routeParentConditions(api.server, 'HTTPRoute', 'default', 'none')?.map((c) => c.observedGeneration)).toEqual([1, 1]);

    // A new generation is judged again, and its conditions say which generation they are about.
    modify(api.server, 'HTTPRoute', 'default', 'none', (o) => void ((o.spec as { hostnames: string[] }).hostnames = ['x.example.com']));
    await t.untilServed('x.example.com', 'web');
    await t.untilWritten('the new generation is accepted', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'none'))[0] === 'Accepted=True/Accepted');
    expect(routeParentConditions(api.server, 'HTTPRoute', 'default', 'none')?.map((c) => c.observedGeneration)).toEqual([2, 2]);
  });

  test('an HTTPRoute and a Route on one host: the older keeps it, each says so in its own status', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'route');
    bed.app(api.server, 'gwroute');
    api.server.create(routeObject({ name: 'route', host: 'same.example.com', creationTimestamp: '2020-01-01T00:00:00Z' }));
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t);
    api.server.create(httpRouteObject({ name: 'newer', hostnames: ['same.example.com'], rules: [{ backendRefs: [{ name: 'gwroute' }] }] }));
    await t.untilWritten('the newer HTTPRoute is refused', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'newer'))[0] === 'Accepted=False/HostAlreadyClaimed');
    expect((await t.get('same.example.com')).backend).toBe('route');
  });

  test('HTTPRoutes of several namespaces share a host on different paths; on the same path the older keeps it', async () => {
    const api = await bed.startApi();
    for (const ns of ['a', 'b', 'c']) bed.app(api.server, `web-${ns}`, ns);
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    t.api.server.create(gatewayClassObject());
    t.api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] }));
    const route = (ns: string, path: string, creationTimestamp: string) =>
      api.server.create(
        httpRouteObject({ name: 'r', namespace: ns, creationTimestamp, parentRefs: [{ name: 'gw', namespace: 'default' }], hostnames: ['shared.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: `web-${ns}` }] }] }),
      );
    route('a', '/', '2020-01-01T00:00:00Z');
    route('b', '/b', '2021-01-01T00:00:00Z');
    route('c', '/', '2022-01-01T00:00:00Z');
    await t.until('both paths are served', async () => (await t.get('shared.example.com', '/b/x')).backend === 'web-b');
    expect(await answers(t, 'shared.example.com', ['/', '/b/x', '/c'])).toEqual({ '/': 'web-a', '/b/x': 'web-b', '/c': 'web-a' });
    await t.untilWritten('the younger route on the same path is refused', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'c', 'r'))[0] === 'Accepted=False/HostAlreadyClaimed');
    expect(routeParentConditions(api.server, 'HTTPRoute', 'c', 'r')?.[0]?.message).toBe('a route in another namespace holds shared.example.com and is older than HTTPRoute r');
  });

  test('what the engine cannot serve (a header value it refuses, RegularExpression paths, GRPCRoutes) is said in status, never served partly', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t);
    api.server.create(
      httpRouteObject({
        name: 'mixed',
        hostnames: ['mixed.example.com'],
        rules: [
          { matches: [{ path: { type: 'PathPrefix', value: '/ok' } }], backendRefs: [{ name: 'web' }] },
          { matches: [{ path: { type: 'PathPrefix', value: '/h' }, headers: [{ name: 'x', value: 'y\r\nz: 1' }] }], backendRefs: [{ name: 'web' }] },
          { matches: [{ path: { type: 'RegularExpression', value: '/r.*' } }], backendRefs: [{ name: 'web' }] },
        ],
      }),
    );
    await t.until('the supported rule is served', async () => (await t.get('mixed.example.com', '/ok')).backend === 'web');
    expect(await answers(t, 'mixed.example.com', ['/ok', '/h', '/r1', '/'])).toEqual({ '/ok': 'web', '/h': '404', '/r1': '404', '/': '404' });
    await t.untilWritten('the dropped matches are named', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'mixed')).includes('PartiallyInvalid=True/UnsupportedValue'));
    const partly = routeParentConditions(api.server, 'HTTPRoute', 'default', 'mixed')?.find((c) => c.type === 'PartiallyInvalid');
    expect(partly?.message).toBe('Dropped Rule(s): rule 1 match 0: header x: value "y\\r\\nz: 1" is not 1 to 4096 printable US-ASCII characters (single spaces or tabs between); rule 2 match 0: RegularExpression path matches are not supported yet');

    // GRPCRoutes are not served: their status says so.
    api.server.create({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'grpc', namespace: 'default' }, spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } });
    await t.untilWritten('the GRPCRoute is refused', () => brief(routeParentConditions(api.server, 'GRPCRoute', 'default', 'grpc')).join() === 'Accepted=False/NotAllowedByListeners,ResolvedRefs=True/ResolvedRefs');
    expect(routeParentConditions(api.server, 'GRPCRoute', 'default', 'grpc')?.[0]?.message).toBe('this router serves no GRPCRoute yet (HTTPRoute and TLSRoute only)');
  });

  test('a cluster without the Gateway API CRDs: said once, Routes served as before', async () => {
    const api = await bed.startApi({ disabledGroups: ['gateway.networking.k8s.io'] });
    bed.app(api.server, 'web');
    api.server.create(routeObject({ name: 'web', host: 'web.example.com' }));
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    expect((await t.get('web.example.com')).backend).toBe('web');
    expect(t.logs.filter((r) => r.msg.includes('CRDs')).map((r) => `${r.level} ${r.msg}`)).toEqual([
      'warn the Gateway API (gateway.networking.k8s.io) is not installed in the cluster: no Gateway API object is served until the router restarts with its CRDs installed',
    ]);
  });

  test('without --enable-gateway-api, no Gateway API object is read', async () => {
    const api = await bed.startApi();
    const t = await bed.startRouter(api);
    expect((await t.get('web.example.com')).status).toBe(503);
    expect(api.server.requests.some((r) => r.path.includes('gateway.networking.k8s.io'))).toBe(false);
  });
});
