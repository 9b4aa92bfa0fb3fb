/**
 * HTTPRoute header, query parameter and method matches against the fake API
 * and a real haproxy, with real clients and backends: the upstream
 * conformance suite's HTTPRouteHeaderMatching, HTTPRouteMethodMatching,
 * HTTPRouteQueryParamMatching, HTTPRouteMatching and
 * HTTPRouteMatchingAcrossRoutes, with their objects and expectations
 * (a request no rule selects answers 404).
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, type HTTPRuleSpec } from '../../support/gateway-objects.ts';
import { KubeTestbed, serviceObject, sliceObject, type KubeTestRouter } from '../../support/kube-harness.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const NS = 'gateway-conformance-infra';
const [V1, V2, V3] = ['infra-backend-v1', 'infra-backend-v2', 'infra-backend-v3'];

/** The suite's infrastructure: three backends and the `same-namespace` Gateway, whose HTTP listener takes every host. */
async function infra(): Promise<KubeTestRouter> {
  const api = await bed.startApi();
  for (const name of [V1, V2, V3]) {
    api.server.create(serviceObject(name, NS));
    api.server.create(sliceObject({ service: name, port: bed.startBackend(name).port, namespace: NS }));
  }
  api.server.create(gatewayClassObject());
  const t = await bed.startRouter(api, { args: GATEWAY_API });
  api.server.create(gatewayObject({ name: 'same-namespace', namespace: NS, listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] }));
  return t;
}

interface Ask {
  path: string;
  host?: string;
  method?: string;
  headers?: Record<string, string>;
}

/** The backend that answers one request, or its status. */
async function ask(t: KubeTestRouter, r: Ask): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${t.httpPort}${r.path}`, {
    method: r.method ?? 'GET',
    headers: { ...r.headers, Host: r.host ?? 'conformance.example.com', Connection: 'close' },
    redirect: 'manual',
  });
  await res.arrayBuffer();
  return res.status === 200 ? (res.headers.get('x-backend') ?? '?') : String(res.status);
}

/** Each case's answer, keyed by its label, beside what the suite wants. */
async function check(t: KubeTestRouter, cases: [string, Ask, string][]): Promise<void> {
  const got: Record<string, string> = {};
  const want: Record<string, string> = {};
  for (const [label, r, expected] of cases) {
    got[label] = await ask(t, r);
    want[label] = expected;
  }
  expect(got).toEqual(want);
}

const route = (name: string, rules: HTTPRuleSpec[], hostnames?: string[]) => httpRouteObject({ name, namespace: NS, parentRefs: [{ name: 'same-namespace' }], rules, ...(hostnames ? { hostnames } : {}) });
const to = (backend: string) => [{ name: backend, port: 80 }];
const headers = (pairs: Record<string, string>) => Object.entries(pairs).map(([name, value]) => ({ name, value }));

describe('conformance: HTTPRouteHeaderMatching', () => {
  test('exact header values select a rule, AND within a match, OR across matches, the most headers first', async () => {
    const t = await infra();
    t.api.server.create(
      route('header-matching', [
        { matches: [{ headers: headers({ version: 'one' }) }], backendRefs: to(V1) },
        { matches: [{ headers: headers({ version: 'two' }) }], backendRefs: to(V2) },
        { matches: [{ headers: headers({ version: 'two', color: 'orange' }) }], backendRefs: to(V1) },
        { matches: [{ headers: headers({ color: 'blue' }) }, { headers: headers({ color: 'green' }) }], backendRefs: to(V1) },
        { matches: [{ headers: headers({ color: 'red' }) }, { headers: headers({ color: 'yellow' }) }], backendRefs: to(V2) },
      ]),
    );
    await t.until('the route is served', async () => (await ask(t, { path: '/', headers: { Version: 'one' } })) === V1);
    await check(t, [
      ['version one', { path: '/', headers: { Version: 'one' } }, V1],
      ['version two', { path: '/', headers: { Version: 'two' } }, V2],
      ['version two, color orange', { path: '/', headers: { Version: 'two', Color: 'orange' } }, V1],
      ['version two, color blue', { path: '/', headers: { Version: 'two', Color: 'blue' } }, V2],
      ['color orange', { path: '/', headers: { Color: 'orange' } }, '404'],
      ['some other header', { path: '/', headers: { 'Some-Other-Header': 'one' } }, '404'],
      ['color blue', { path: '/', headers: { Color: 'blue' } }, V1],
      ['color green', { path: '/', headers: { Color: 'green' } }, V1],
      ['color red', { path: '/', headers: { Color: 'red' } }, V2],
      ['color yellow', { path: '/', headers: { Color: 'yellow' } }, V2],
      ['color purple', { path: '/', headers: { Color: 'purple' } }, '404'],
      ['values are case-sensitive', { path: '/', headers: { Version: 'One' } }, '404'],
      ['a value with a comma is one value', { path: '/', headers: { Version: 'one, two' } }, '404'],
    ]);
  });
});

describe('conformance: HTTPRouteMethodMatching', () => {
  test('methods alone and with paths and headers, and their precedence', async () => {
    const t = await infra();
    t.api.server.create(
      route('method-matching', [
        { matches: [{ method: 'POST' }], backendRefs: to(V1) },
        { matches: [{ method: 'GET' }], backendRefs: to(V2) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path1' }, method: 'GET' }], backendRefs: to(V1) },
        { matches: [{ headers: headers({ version: 'one' }), method: 'PUT' }], backendRefs: to(V2) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path2' }, headers: headers({ version: 'two' }), method: 'POST' }], backendRefs: to(V3) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path3' }, method: 'PATCH' }, { path: { type: 'PathPrefix', value: '/path4' }, headers: headers({ version: 'three' }), method: 'DELETE' }], backendRefs: to(V1) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path5' } }], backendRefs: to(V1) },
        { matches: [{ method: 'PATCH' }], backendRefs: to(V2) },
        { matches: [{ headers: headers({ version: 'four' }) }], backendRefs: to(V3) },
      ]),
    );
    await t.until('the route is served', async () => (await ask(t, { path: '/', method: 'POST' })) === V1);
    await check(t, [
      ['POST /', { path: '/', method: 'POST' }, V1],
      ['GET /', { path: '/', method: 'GET' }, V2],
      ['HEAD /', { path: '/', method: 'HEAD' }, '404'],
      ['GET /path1', { path: '/path1', method: 'GET' }, V1],
      ['PUT / version one', { path: '/', method: 'PUT', headers: { version: 'one' } }, V2],
      ['POST /path2 version two', { path: '/path2', method: 'POST', headers: { version: 'two' } }, V3],
      ['PATCH /path3', { path: '/path3', method: 'PATCH' }, V1],
      ['DELETE /path4 version three', { path: '/path4', method: 'DELETE', headers: { version: 'three' } }, V1],
      ['PUT /', { path: '/', method: 'PUT' }, '404'],
      ['DELETE /path4', { path: '/path4', method: 'DELETE' }, '404'],
      ['PATCH /path5: the longer path first', { path: '/path5', method: 'PATCH' }, V1],
      ['PATCH / version four: the method first', { path: '/', method: 'PATCH', headers: { version: 'four' } }, V2],
    ]);
  });
});

describe('conformance: HTTPRouteQueryParamMatching', () => {
  test('exact query parameter values, case-sensitive names, with paths and headers, and their precedence', async () => {
    const t = await infra();
    const query = (pairs: Record<string, string>) => ({ queryParams: headers(pairs) });
    t.api.server.create(
      route('query-param-matching', [
        { matches: [query({ animal: 'whale' })], backendRefs: to(V1) },
        { matches: [query({ animal: 'dolphin' })], backendRefs: to(V2) },
        { matches: [query({ animal: 'dolphin', color: 'blue' }), query({ ANIMAL: 'Whale' })], backendRefs: to(V3) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path1' }, ...query({ animal: 'whale' }) }], backendRefs: to(V1) },
        { matches: [{ headers: headers({ version: 'one' }), ...query({ animal: 'whale' }) }], backendRefs: to(V2) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path2' }, headers: headers({ version: 'two' }), ...query({ animal: 'whale' }) }], backendRefs: to(V3) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path3' }, ...query({ animal: 'shark' }) }, { path: { type: 'PathPrefix', value: '/path4' }, headers: headers({ version: 'three' }), ...query({ animal: 'kraken' }) }], backendRefs: to(V1) },
        { matches: [{ path: { type: 'PathPrefix', value: '/path5' } }], backendRefs: to(V1) },
        { matches: [query({ animal: 'hydra' })], backendRefs: to(V2) },
        { matches: [{ headers: headers({ version: 'four' }) }], backendRefs: to(V3) },
      ]),
    );
    await t.until('the route is served', async () => (await ask(t, { path: '/?animal=whale' })) === V1);
    await check(t, [
      ['animal=whale', { path: '/?animal=whale' }, V1],
      ['animal=dolphin', { path: '/?animal=dolphin' }, V2],
      ['animal=dolphin&color=blue', { path: '/?animal=dolphin&color=blue' }, V3],
      ['ANIMAL=Whale', { path: '/?ANIMAL=Whale' }, V3],
      ['animal=whale&otherparam=irrelevant', { path: '/?animal=whale&otherparam=irrelevant' }, V1],
      ['animal=dolphin&color=yellow', { path: '/?animal=dolphin&color=yellow' }, V2],
      ['color=blue', { path: '/?color=blue' }, '404'],
      ['animal=dog', { path: '/?animal=dog' }, '404'],
      ['animal=whaledolphin', { path: '/?animal=whaledolphin' }, '404'],
      // Repeats, which the spec leaves open: one of the values is enough (README).
      ['animal=dog&animal=whale', { path: '/?animal=dog&animal=whale' }, V1],
      ['xanimal=whale, animal=whale%20', { path: '/?xanimal=whale&animal=whale%20' }, '404'],
      ['no query', { path: '/' }, '404'],
      ['/path1?animal=whale', { path: '/path1?animal=whale' }, V1],
      ['/?animal=whale version one', { path: '/?animal=whale', headers: { version: 'one' } }, V2],
      ['/path2?animal=whale version two', { path: '/path2?animal=whale', headers: { version: 'two' } }, V3],
      ['/path3?animal=shark', { path: '/path3?animal=shark' }, V1],
      ['/path4?animal=kraken version three', { path: '/path4?animal=kraken', headers: { version: 'three' } }, V1],
      ['/?animal=shark', { path: '/?animal=shark' }, '404'],
      ['/path4?animal=kraken', { path: '/path4?animal=kraken' }, '404'],
      ['/path5?animal=hydra: the longer path first', { path: '/path5?animal=hydra' }, V1],
      ['/?animal=hydra version four: headers first', { path: '/?animal=hydra', headers: { version: 'four' } }, V3],
    ]);
  });
});

describe('conformance: HTTPRouteMatching and HTTPRouteMatchingAcrossRoutes', () => {
  test('path and header matches of one route, ORed, the more headers first on the same path', async () => {
    const t = await infra();
    t.api.server.create(
      route('matching', [
        { matches: [{ path: { type: 'PathPrefix', value: '/' } }, { headers: headers({ version: 'one' }) }], backendRefs: to(V1) },
        { matches: [{ path: { type: 'PathPrefix', value: '/v2' } }, { headers: headers({ version: 'two' }) }], backendRefs: to(V2) },
      ]),
    );
    await t.until('the route is served', async () => (await ask(t, { path: '/v2' })) === V2);
    await check(t, [
      ['/', { path: '/' }, V1],
      ['/example', { path: '/example' }, V1],
      ['/ version one', { path: '/', headers: { Version: 'one' } }, V1],
      ['/v2', { path: '/v2' }, V2],
      ['/v2/example', { path: '/v2/example' }, V2],
      ['/ version two', { path: '/', headers: { Version: 'two' } }, V2],
      ['/v2/', { path: '/v2/' }, V2],
      ['/v2example', { path: '/v2example' }, V1],
      ['/foo/v2/example', { path: '/foo/v2/example' }, V1],
    ]);
  });

  test('across routes on shared host names', async () => {
    const t = await infra();
    t.api.server.create(route('matching-part1', [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }, { headers: headers({ version: 'one' }) }], backendRefs: to(V1) }], ['example.com', 'example.net']));
    t.api.server.create(route('matching-part2', [{ matches: [{ path: { type: 'PathPrefix', value: '/v2' } }, { headers: headers({ version: 'two' }) }], backendRefs: to(V2) }], ['example.com']));
    await t.until('both routes are served', async () => (await ask(t, { host: 'example.com', path: '/', headers: { Version: 'two' } })) === V2);
    await check(t, [
      ['example.com/', { host: 'example.com', path: '/' }, V1],
      ['example.com/example', { host: 'example.com', path: '/example' }, V1],
      ['example.net/example', { host: 'example.net', path: '/example' }, V1],
      ['example.com/example version one', { host: 'example.com', path: '/example', headers: { Version: 'one' } }, V1],
      ['example.com/v2', { host: 'example.com', path: '/v2' }, V2],
      ['example.net/v2', { host: 'example.net', path: '/v2' }, V1],
      ['example.com/v2/example', { host: 'example.com', path: '/v2/example' }, V2],
      ['example.com/ version two', { host: 'example.com', path: '/', headers: { Version: 'two' } }, V2],
      ['example.com:80/ version two (the port is not the host)', { host: `example.com:${t.httpPort}`, path: '/', headers: { Version: 'two' } }, V2],
      ['example.net/ version two', { host: 'example.net', path: '/', headers: { Version: 'two' } }, V1],
    ]);
  });
});
