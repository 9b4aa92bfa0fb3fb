import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { FakeApiServer } from '../../support/fake-api/fake-api-server.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, gatewayStatusOf, httpRouteObject, type ListenerSpec, referenceGrantObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { KubeTestbed, namespaceObject, type KubeTestRouter } from '../../support/kube-harness.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

function gateway(t: KubeTestRouter, listeners: (http: number, https: number) => ListenerSpec[], name = 'gw', creationTimestamp?: string): void {
  t.api.server.create(gatewayObject({ name, namespace: 'infra', listeners: listeners(t.httpPort, t.httpsPort), ...(creationTimestamp ? { creationTimestamp } : {}) }));
}

const accepted = (server: FakeApiServer, namespace: string, name: string) => brief(routeParentConditions(server, 'HTTPRoute', namespace, name))[0];

describe('Gateway API references and listeners', () => {
  test('a backendRef into another namespace is RefNotPermitted until a ReferenceGrant there allows it', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'backends');
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, (http) => [{ name: 'http', port: http, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
    api.server.create(httpRouteObject({ name: 'shop', namespace: 'shop', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['shop.example.com'], rules: [{ backendRefs: [{ name: 'web', namespace: 'backends' }] }] }));
    await t.untilWritten('the reference is refused', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'shop', 'shop'))[1] === 'ResolvedRefs=False/RefNotPermitted');
    // The spec (and conformance: HTTPRouteInvalidCrossNamespaceBackendRef) answers a rule with no valid backendRef 500.
    await t.untilServed('shop.example.com', 500);

    api.server.create(referenceGrantObject({ name: 'shop', namespace: 'backends', fromKind: 'HTTPRoute', fromNamespace: 'shop', toKind: 'Service', toName: 'web' }));
    await t.untilServed('shop.example.com', 'web');
    await t.untilWritten('the reference is resolved', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'shop', 'shop'))[1] === 'ResolvedRefs=True/ResolvedRefs');

    api.server.remove('ReferenceGrant', 'backends', 'shop');
    await t.untilServed('shop.example.com', 500);
  });

  test('a Service that does not exist is BackendNotFound; a backendRef of another kind is InvalidKind', async () => {
    const api = await bed.startApi();
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, (http) => [{ name: 'http', port: http, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
    api.server.create(httpRouteObject({ name: 'lost', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['lost.example.com'], rules: [{ backendRefs: [{ name: 'nowhere' }] }] }));
    await t.untilWritten('the missing Service is said', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'lost'))[1] === 'ResolvedRefs=False/BackendNotFound');
    await t.untilServed('lost.example.com', 500);

    // A backendRef of a kind other than a core Service (conformance: HTTPRouteInvalidBackendRefUnknownKind).
    const odd = httpRouteObject({ name: 'odd', parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['odd.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] });
    const spec = odd.spec as { rules: { backendRefs: Record<string, unknown>[] }[] };
    spec.rules[0]?.backendRefs.splice(0, 1, { group: 'unknown.example.com', kind: 'Unknown', name: 'web', port: 80 });
    api.server.create(odd);
    await t.untilWritten('the unknown kind is said', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'odd'))[1] === 'ResolvedRefs=False/InvalidKind');
    await t.untilServed('odd.example.com', 500);
    expect((await t.get('lost.example.com')).status).toBe(500);

    // The Service created: the route serves it (a reload: the 500 is a line of its backend).
    bed.app(api.server, 'nowhere', 'default');
    await t.untilServed('lost.example.com', 'nowhere');
  });

  test('one rule without a valid backendRef answers 500 while its sibling serves; a redirect rule still redirects; a rule naming no backendRef gets 503', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'default');
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, (http) => [{ name: 'http', port: http, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]);
    const prefix = (value: string) => [{ path: { type: 'PathPrefix', value } }];
    api.server.create(httpRouteObject({
      name: 'part',
      parentRefs: [{ name: 'gw', namespace: 'infra' }],
      hostnames: ['part.example.com'],
      rules: [
        { backendRefs: [{ name: 'web' }] },
        // Conformance: HTTPRoutePartiallyInvalidViaInvalidReferenceGrant.
        { matches: prefix('/v2'), backendRefs: [{ name: 'web', namespace: 'elsewhere' }] },
        { matches: prefix('/moved'), backendRefs: [{ name: 'nowhere' }], filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'new.example.com', statusCode: 301 } }] },
        { matches: prefix('/headers'), filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-a', value: 'b' }] } }] },
        // The spec: the share of requests an invalid backendRef would have had gets 500.
        { matches: prefix('/mixed'), backendRefs: [{ name: 'web', weight: 1 }, { name: 'nowhere', weight: 3 }] },
      ],
    }));
    await t.untilServed('part.example.com', 'web');
    expect((await t.get('part.example.com', '/v2/x')).status).toBe(500);
    const moved = await t.get('part.example.com', '/moved');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toStartWith('http://new.example.com');
    expect((await t.get('part.example.com', '/headers')).status).toBe(503);
    const answers = { 200: 0, 500: 0, other: 0 };
    for (let i = 0; i < 200; i++) {
      const { status, backend } = await t.get('part.example.com', `/mixed/${i}`);
      if (status === 500) answers[500]++;
      else if (status === 200 && backend === 'web') answers[200]++;
      else answers.other++;
    }
    // 150 of 200 expected: the bounds are over six standard deviations away.
    expect(answers.other).toBe(0);
    expect(answers[500]).toBeWithin(110, 186);
  });

  test('allowedRoutes: Same, All and Selector decide which namespaces attach; others are NotAllowedByListeners', async () => {
    const api = await bed.startApi();
    api.server.create(namespaceObject('team-a', { team: 'a' }));
    api.server.create(namespaceObject('team-b', { team: 'b' }));
    for (const ns of ['infra', 'team-a', 'team-b']) bed.app(api.server, `web-${ns}`, ns);
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, (http) => [
      { name: 'same', port: http, protocol: 'HTTP', hostname: 'same.example.com' },
      { name: 'team-a', port: http, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: { namespaces: { from: 'Selector', selector: { matchLabels: { team: 'a' } } } } },
    ]);
    const route = (name: string, namespace: string, host: string) =>
      api.server.create(httpRouteObject({ name, namespace, parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: [host], rules: [{ backendRefs: [{ name: `web-${namespace}` }] }] }));
    route('same', 'infra', 'same.example.com');
    route('a', 'team-a', 'a.example.com');
    route('b', 'team-b', 'a.example.com');
    route('b-same', 'team-b', 'same.example.com');
    await t.untilServed('a.example.com', 'web-team-a');
    await t.untilServed('same.example.com', 'web-infra');
    await t.untilWritten('each route is judged', () =>
      [accepted(api.server, 'infra', 'same'), accepted(api.server, 'team-a', 'a'), accepted(api.server, 'team-b', 'b'), accepted(api.server, 'team-b', 'b-same')].join() ===
      'Accepted=True/Accepted,Accepted=True/Accepted,Accepted=False/NotAllowedByListeners,Accepted=False/NotAllowedByListeners',
    );
    await t.untilWritten('the listeners count what attached', () => gatewayStatusOf(api.server, 'infra', 'gw').listeners?.map((l) => l.attachedRoutes).join() === '1,1');
  });

  test('sectionName picks one listener; a name no listener has is NoMatchingParent; several parentRefs get an entry each; the address is the canonical hostname', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'infra');
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: [...GATEWAY_API, '--router-canonical-hostname=router.example.com'] });
    gateway(t, (http) => [
      { name: 'one', port: http, protocol: 'HTTP', hostname: 'one.example.com' },
      { name: 'two', port: http, protocol: 'HTTP', hostname: 'two.example.com' },
    ]);
    api.server.create(httpRouteObject({ name: 'r', namespace: 'infra', parentRefs: [{ name: 'gw', sectionName: 'two' }], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    api.server.create(httpRouteObject({ name: 'lost', namespace: 'infra', parentRefs: [{ name: 'gw', sectionName: 'three' }], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.untilServed('two.example.com', 'web');
    // Listener one's name is the Gateway's (routes are served through it): no route serves it, 404.
    expect((await t.get('one.example.com')).status).toBe(404);
    await t.untilWritten('the unknown section is said', () => accepted(api.server, 'infra', 'lost') === 'Accepted=False/NoMatchingParent');

    // Several parentRefs: served through each, with a status entry for each.
    bed.app(api.server, 'both', 'infra');
    api.server.create(
      httpRouteObject({ name: 'both', namespace: 'infra', parentRefs: [{ name: 'gw', sectionName: 'one' }, { name: 'gw', sectionName: 'two' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/both' } }], backendRefs: [{ name: 'both' }] }] }),
    );
    await t.until('served through both listeners', async () => (await t.get('one.example.com', '/both')).backend === 'both' && (await t.get('two.example.com', '/both')).backend === 'both');
    await t.untilWritten('each parentRef is accepted', () => [0, 1].every((i) => brief(routeParentConditions(api.server, 'HTTPRoute', 'infra', 'both', i))[0] === 'Accepted=True/Accepted'));
    expect((api.server.get('HTTPRoute', 'infra', 'both')?.status as { parents: { parentRef: { sectionName: string } }[] }).parents.map((p) => p.parentRef.sectionName)).toEqual(['one', 'two']);
    // The Gateway's address is --router-canonical-hostname when given.
    expect(gatewayStatusOf(api.server, 'infra', 'gw').addresses).toEqual([{ type: 'Hostname', value: 'router.example.com' }]);
  });

  test('listeners: a port not the router\'s is not accepted; the same port and host name on two Gateways conflict, the older keeps it', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web', 'infra');
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    gateway(t, (http) => [{ name: 'http', port: http, protocol: 'HTTP', hostname: 'x.example.com' }, { name: 'odd', port: 8081, protocol: 'HTTP' }], 'old', '2020-01-01T00:00:00Z');
    gateway(t, (http) => [{ name: 'http', port: http, protocol: 'HTTP', hostname: 'x.example.com' }], 'new', '2021-01-01T00:00:00Z');
    await t.untilWritten('both Gateways are reported', () => gatewayStatusOf(api.server, 'infra', 'new').listeners !== undefined && gatewayStatusOf(api.server, 'infra', 'old').listeners !== undefined);
    const old = gatewayStatusOf(api.server, 'infra', 'old');
    expect(old.listeners?.map((l) => brief(l.conditions))).toEqual([
      ['Accepted=True/Accepted', 'ResolvedRefs=True/ResolvedRefs', 'Programmed=True/Programmed', 'Conflicted=False/NoConflicts'],
      ['Accepted=False/PortUnavailable', 'ResolvedRefs=True/ResolvedRefs', 'Programmed=False/Invalid', 'Conflicted=False/NoConflicts'],
    ]);
    expect(brief(old.conditions)).toEqual(['Accepted=True/ListenersNotValid', 'Programmed=True/Programmed']);
    expect(brief(gatewayStatusOf(api.server, 'infra', 'new').listeners?.[0]?.conditions)).toEqual([
      'Accepted=True/Accepted',
      'ResolvedRefs=True/ResolvedRefs',
      'Programmed=False/Invalid',
      'Conflicted=True/HostnameConflict',
    ]);
  });
});
