import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, gatewayStatusOf, httpRouteObject, referenceGrantObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { KubeTestbed } from '../../support/kube-harness.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const acc = (s: Parameters<typeof routeParentConditions>[0], ns: string, name: string) => brief(routeParentConditions(s, 'HTTPRoute', ns, name));

describe("a tenant's status names no other tenant's objects", () => {
  test("HostAlreadyClaimed on tenant b's HTTPRoute does not name tenant a's, though both route to one shared namespace's Service", async () => {
    const api = await bed.startApi();
    const s = api.server;
    bed.app(s, 'shared-api', 'provider');
    s.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    s.create(gatewayObject({ name: 'gw', namespace: 'infra', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', hostname: '*.shared.example.com', allowedRoutes: { namespaces: { from: 'All' } } }] }));
    // A shared-service namespace lets tenants a and b route to its Service (nothing more).
    s.create(referenceGrantObject({ name: 'to-a', namespace: 'provider', fromKind: 'HTTPRoute', fromNamespace: 'tenant-a', toKind: 'Service', toName: 'shared-api' }));
    s.create(referenceGrantObject({ name: 'to-b', namespace: 'provider', fromKind: 'HTTPRoute', fromNamespace: 'tenant-b', toKind: 'Service', toName: 'shared-api' }));
    s.create(httpRouteObject({ name: 'a-secret-project-x', namespace: 'tenant-a', creationTimestamp: '2021-01-01T00:00:00Z', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['www.shared.example.com'], rules: [{ backendRefs: [{ name: 'shared-api', namespace: 'provider' }] }] }));
    s.create(httpRouteObject({ name: 'b-route', namespace: 'tenant-b', creationTimestamp: '2022-01-01T00:00:00Z', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['www.shared.example.com'], rules: [{ backendRefs: [{ name: 'shared-api', namespace: 'provider' }] }] }));
    await t.untilWritten('b judged', () => acc(s, 'tenant-b', 'b-route')[0] === 'Accepted=False/HostAlreadyClaimed');
    const msg = routeParentConditions(s, 'HTTPRoute', 'tenant-b', 'b-route')?.[0]?.message ?? '';
    expect(msg).toBe('a route in another namespace holds www.shared.example.com and is older than HTTPRoute b-route');
  });

  test("a tenant Gateway's Conflicted listener does not name another namespace's Gateway", async () => {
    const api = await bed.startApi();
    const s = api.server;
    s.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    s.create(gatewayObject({ name: 'admin-internal-gw', namespace: 'infra', creationTimestamp: '2020-01-01T00:00:00Z', listeners: [{ name: 'payroll', port: t.httpPort, protocol: 'HTTP', hostname: 'x.example.com' }] }));
    s.create(gatewayObject({ name: 'mine', namespace: 'tenant', creationTimestamp: '2021-01-01T00:00:00Z', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', hostname: 'x.example.com' }] }));
    await t.untilWritten('conflict', () => gatewayStatusOf(s, 'tenant', 'mine').listeners?.[0]?.conditions?.some((c) => c.type === 'Conflicted' && c.status === 'True') === true);
    const msg = gatewayStatusOf(s, 'tenant', 'mine').listeners?.[0]?.conditions?.find((c) => c.type === 'Conflicted')?.message ?? '';
    expect(msg).toBe('a listener of a Gateway in another namespace already has port ' + t.httpPort + ' and hostname x.example.com');
  });
});
