/**
 * Scenarios of the upstream Gateway API conformance suite (core profile),
 * with its objects and expectations, against the fake API and a real
 * haproxy. A request no route takes answers 404 when Gateway API routes
 * serve its host or a listener they are served through accepts it, as the
 * suite says, and 503 (openshift-router's answer) for a host no listener
 * accepts, where the suite says 404 too.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { answersTo, KubeTestbed, routeObject, serviceObject, sliceObject, type KubeTestRouter } from '../../support/kube-harness.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const NS = 'gateway-conformance-infra';

async function infra(backends: string[]): Promise<KubeTestRouter> {
  const api = await bed.startApi();
  for (const name of backends) {
    api.server.create(serviceObject(name, NS));
    api.server.create(sliceObject({ service: name, port: bed.startBackend(name).port, namespace: NS }));
  }
  api.server.create(gatewayClassObject());
  return bed.startRouter(api, { args: GATEWAY_API });
}

describe('conformance: HTTPRouteHostnameIntersection', () => {
  test('a route serves the host names it shares with the listeners, wildcards at any depth', async () => {
    const t = await infra(['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3']);
    const server = t.api.server;
    const http = (name: string, hostname: string) => ({ name, port: t.httpPort, protocol: 'HTTP', hostname });
    server.create(gatewayObject({ name: 'gw', namespace: NS, listeners: [http('listener-1', 'very.specific.com'), http('listener-2', '*.wildcard.io'), http('listener-3', '*.anotherwildcard.io')] }));
    const route = (name: string, hostnames: string[], path: string, backend: string) =>
      server.create(httpRouteObject({ name, namespace: NS, hostnames, rules: [{ matches: [{ path: { type: 'PathPrefix', value: path } }], backendRefs: [{ name: backend }] }] }));
    route('specific-host-matches-listener-specific-host', ['non.matching.com', '*.nonmatchingwildcard.io', 'very.specific.com'], '/s1', 'infra-backend-v1');
    route('specific-host-matches-listener-wildcard-host', ['non.matching.com', 'wildcard.io', 'foo.wildcard.io', 'bar.wildcard.io', 'foo.bar.wildcard.io'], '/s2', 'infra-backend-v2');
    route('wildcard-host-matches-listener-specific-host', ['non.matching.com', '*.specific.com'], '/s3', 'infra-backend-v3');
    route('wildcard-host-matches-listener-wildcard-host', ['*.anotherwildcard.io'], '/s4', 'infra-backend-v1');
    route('no-intersecting-hosts', ['specific.but.wrong.com', 'wildcard.io'], '/s5', 'infra-backend-v2');
    await t.until('the last route is served', async () => (await t.get('foo.anotherwildcard.io', '/s4')).status === 200);
    expect(
      await answersTo(t, [
        'very.specific.com/s1', 'non.matching.com/s1', 'foo.nonmatchingwildcard.io/s1', 'foo.wildcard.io/s1', 'very.specific.com/s2',
        'foo.wildcard.io/s2', 'bar.wildcard.io/s2', 'foo.bar.wildcard.io/s2', 'wildcard.io/s2', 'non.matching.com/s2', 'baz.wildcard.io/s2',
        'very.specific.com/s3', 'foo.specific.com/s3', 'non.matching.com/s3',
        'foo.anotherwildcard.io/s4', 'foo.bar.anotherwildcard.io/s4', 'anotherwildcard.io/s4',
        'specific.but.wrong.com/s5', 'wildcard.io/s5',
      ]),
    ).toEqual({
      'very.specific.com/s1': 'infra-backend-v1', 'non.matching.com/s1': '503', 'foo.nonmatchingwildcard.io/s1': '503', 'foo.wildcard.io/s1': '404', 'very.specific.com/s2': '404',
      'foo.wildcard.io/s2': 'infra-backend-v2', 'bar.wildcard.io/s2': 'infra-backend-v2', 'foo.bar.wildcard.io/s2': 'infra-backend-v2', 'wildcard.io/s2': '503', 'non.matching.com/s2': '503', 'baz.wildcard.io/s2': '404',
      'very.specific.com/s3': 'infra-backend-v3', 'foo.specific.com/s3': '503', 'non.matching.com/s3': '503',
      'foo.anotherwildcard.io/s4': 'infra-backend-v1', 'foo.bar.anotherwildcard.io/s4': 'infra-backend-v1', 'anotherwildcard.io/s4': '503',
      'specific.but.wrong.com/s5': '503', 'wildcard.io/s5': '503',
    }); // prettier-ignore
    await t.untilWritten('the route without a shared host name is refused', () => brief(routeParentConditions(server, 'HTTPRoute', NS, 'no-intersecting-hosts'))[0] === 'Accepted=False/NoMatchingListenerHostname');
  });
});

describe('conformance: HTTPExactPathMatching, on the suite\'s same-namespace Gateway (a listener for every host)', () => {
  test('a route naming no host serves every host over HTTP, below the routes that name theirs', async () => {
    const t = await infra(['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3']);
    const server = t.api.server;
    server.create(gatewayObject({ name: 'same-namespace', namespace: NS, listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] }));
    const exact = (value: string, backend: string) => ({ matches: [{ path: { type: 'Exact', value } }], backendRefs: [{ name: backend }] });
    server.create(httpRouteObject({ name: 'exact-matching', namespace: NS, parentRefs: [{ name: 'same-namespace' }], rules: [exact('/one', 'infra-backend-v1'), exact('/two', 'infra-backend-v2')] }));
    await t.until('the route is served', async () => (await t.get('127.0.0.1', '/one')).status === 200);
    expect(await answersTo(t, ['127.0.0.1/one', '127.0.0.1/two', '127.0.0.1/', '127.0.0.1/one/example', '127.0.0.1/two/', '127.0.0.1/Two', 'any.example.com/one', 'a.b.c.example.org/two'])).toEqual({
      '127.0.0.1/one': 'infra-backend-v1', '127.0.0.1/two': 'infra-backend-v2', '127.0.0.1/': '404', '127.0.0.1/one/example': '404', '127.0.0.1/two/': '404', '127.0.0.1/Two': '404',
      'any.example.com/one': 'infra-backend-v1', 'a.b.c.example.org/two': 'infra-backend-v2',
    }); // prettier-ignore
    await t.untilWritten('the route is accepted', () => brief(routeParentConditions(server, 'HTTPRoute', NS, 'exact-matching')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');

    // A host some route names is that route's alone.
    server.create(routeObject({ name: 'named', namespace: NS, host: 'named.example.com', service: 'infra-backend-v3' }));
    server.create(httpRouteObject({ name: 'named', namespace: NS, parentRefs: [{ name: 'same-namespace' }], hostnames: ['other.example.com'], rules: [{ backendRefs: [{ name: 'infra-backend-v3' }] }] }));
    await t.until('the named hosts are served', async () => (await t.get('named.example.com', '/one')).backend === 'infra-backend-v3' && (await t.get('other.example.com', '/one')).backend === 'infra-backend-v3');

    // A Route's host is a Route's, catch-all listener or not: what none of its routes takes answers 503.
    const reloads = Object.fromEntries(t.router.reloadCounts);
    const pathed = routeObject({ name: 'pathed', namespace: NS, host: 'pathed.example.com', service: 'infra-backend-v3' });
    server.create({ ...pathed, spec: { ...(pathed.spec as object), path: '/only' } });
    server.create(httpRouteObject({ name: 'pathed', namespace: NS, parentRefs: [{ name: 'same-namespace' }], hostnames: ['gw.example.com'], rules: [exact('/only', 'infra-backend-v3')] }));
    await t.until('the pathed hosts are served', async () => (await t.get('pathed.example.com', '/only')).backend === 'infra-backend-v3' && (await t.get('gw.example.com', '/only')).backend === 'infra-backend-v3');
    expect(await answersTo(t, ['pathed.example.com/other', 'gw.example.com/other', 'any.example.com/other'])).toEqual({ 'pathed.example.com/other': '503', 'gw.example.com/other': '404', 'any.example.com/other': '404' });
    expect(Object.fromEntries(t.router.reloadCounts)).toEqual(reloads);
  });
});
