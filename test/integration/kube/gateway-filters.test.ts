import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import type { FakeApiServer } from '../../support/fake-api/fake-api-server.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, serviceObject, sliceObject, type KubeTestRouter } from '../../support/kube-harness.ts';
import { get } from '../../support/net.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** What a tenant might hope haproxy evaluates: it must reach the other side as written. */
const HOSTILE = `%[src] it's "q" \\ $HOME \${X} %{+Q}[req.hdr(host)] 100%  two\tspaces #c`;

interface Echo {
  path: string;
  headers: Record<string, string>;
}

/** A Service `echo` whose backend answers with the path (and query) and headers it received. */
function echoApp(server: FakeApiServer): void {
  const backend = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      return Response.json({ path: `${url.pathname}${url.search}`, headers: Object.fromEntries(req.headers) } satisfies Echo, { headers: { 'x-backend': 'echo', 'x-private': 'p' } });
    },
  });
  bed.onTeardown(() => backend.stop(true));
  server.create(serviceObject('echo', 'default'));
  server.create(sliceObject({ service: 'echo', port: backend.port as number, namespace: 'default' }));
}

const prefix = (value: string) => ({ path: { type: 'PathPrefix', value } });

async function echoed(t: KubeTestRouter, host: string, path: string, headers: Record<string, string> = {}) {
  const res = await get(t.httpPort, host, path, headers);
  return { status: res.status, seen: (res.status === 200 ? JSON.parse(res.body) : { path: '', headers: {} }) as Echo, response: res.headers };
}

describe('HTTPRoute filters', () => {
  test('header modifiers and URL rewrites reach the backend and the client as written; a hostile value is refused in status while the rest serves', async () => {
    const api = await bed.startApi();
    echoApp(api.server);
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(gatewayClassObject());
    api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP' }] }));
    api.server.create(httpRouteObject({ name: 'plain', hostnames: ['plain.example.com'], rules: [{ backendRefs: [{ name: 'echo' }] }] }));
    await t.until('the plain route is served', async () => (await get(t.httpPort, 'plain.example.com', '/')).backend === 'echo');
    expect([...t.router.reloadCounts]).toEqual([]);
    const backendRefs = [{ name: 'echo' }];
    const modifyHeaders = {
      type: 'RequestHeaderModifier',
      requestHeaderModifier: {
        set: [{ name: 'X-Header-Set', value: 'set-overwrites-values' }, { name: 'X-Hostile', value: HOSTILE }],
        add: [{ name: 'X-Header-Add', value: 'header-val-1' }, { name: 'X-Header-Add-Append', value: 'header-val-2' }],
        remove: ['X-HEADER-REMOVE'],
      },
    };
    api.server.create(
      httpRouteObject({
        name: 'filters',
        hostnames: ['f.example.com'],
        rules: [
          {
            matches: [prefix('/headers')],
            filters: [modifyHeaders, { type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'X-Resp', value: HOSTILE }], add: [{ name: 'X-Backend', value: 'added' }], remove: ['x-private'] } }],
            backendRefs,
          },
          { matches: [prefix('/prefix/one')], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/one' } } }], backendRefs },
          { matches: [prefix('/strip-prefix')], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }], backendRefs },
          { matches: [prefix('/full/one')], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/one' } } }, modifyHeaders], backendRefs },
          { matches: [prefix('/host')], filters: [{ type: 'URLRewrite', urlRewrite: { hostname: 'one.example.org' } }], backendRefs },
        ],
      }),
    );
    await t.until('the filters are served', async () => (await echoed(t, 'f.example.com', '/headers')).seen.headers['x-header-set'] === 'set-overwrites-values');
    // Filters are lines of the route's backend: the route came with a reload.
    expect([...t.router.reloadCounts.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);

    const h = await echoed(t, 'f.example.com', '/headers', { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1', 'X-Header-Set': 'set-val' });
    expect(h.seen.headers).toMatchObject({ 'x-header-set': 'set-overwrites-values', 'x-header-add': 'header-val-1', 'x-header-add-append': 'append-val-1, header-val-2', 'x-hostile': HOSTILE });
    expect(h.seen.headers['x-header-remove']).toBeUndefined();
    expect([h.response.get('x-resp'), h.response.get('x-backend'), h.response.get('x-private')]).toEqual([HOSTILE, 'echo, added', null]);

    const paths: Record<string, string> = {};
    for (const path of ['/prefix/one/two?q=1', '/prefix/one', '/strip-prefix/three', '/strip-prefix', '/strip-prefix/?a=b', '/full/one/two?keep=me', '/host/x']) {
      paths[path] = (await echoed(t, 'f.example.com', path)).seen.path;
    }
    expect(paths).toEqual({
      '/prefix/one/two?q=1': '/one/two?q=1',
      '/prefix/one': '/one',
      '/strip-prefix/three': '/three',
      '/strip-prefix': '/',
      '/strip-prefix/?a=b': '/?a=b',
      '/full/one/two?keep=me': '/one?keep=me',
      '/host/x': '/host/x',
    });
    expect((await echoed(t, 'f.example.com', '/host')).seen.headers.host).toBe('one.example.org');
    expect((await echoed(t, 'f.example.com', '/full/one', { 'X-Header-Remove': 'x' })).seen.headers).toMatchObject({ 'x-header-set': 'set-overwrites-values' });
    // The plain route's traffic is untouched.
    const plain = await echoed(t, 'plain.example.com', '/prefix/one', { 'X-Header-Remove': 'kept' });
    expect([plain.seen.path, plain.seen.headers['x-header-remove'], plain.seen.headers['x-header-set'], plain.response.get('x-private')]).toEqual(['/prefix/one', 'kept', undefined, 'p']);

    // A value with a line break is refused with a reason; nothing of it reaches the config, and the other routes serve on.
    const MARK = 'zzhostile';
    api.server.create(
      httpRouteObject({
        name: 'evil',
        hostnames: ['evil.example.com'],
        rules: [{ filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-A', value: `v\n  http-request deny #${MARK}` }] } }], backendRefs }],
      }),
    );
    await t.untilWritten('the hostile route is refused', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'evil'))[0] === 'Accepted=False/UnsupportedValue');
    expect(routeParentConditions(api.server, 'HTTPRoute', 'default', 'evil')?.[0]?.message).toBe(
      'Dropped Rule(s): rule 0: requestHeaderModifier.set: X-A: the value must be 1 to 4096 characters without control characters',
    );
    expect(await t.config()).not.toContain(MARK);
    // Not served: the listener for every host answers its 404.
    expect((await get(t.httpPort, 'evil.example.com', '/')).status).toBe(404);
    expect((await echoed(t, 'f.example.com', '/headers')).seen.headers['x-hostile']).toBe(HOSTILE);
    await t.untilWritten('the filter route is accepted', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'filters')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');
  });

  test('RequestRedirect: scheme, host name, port, path and status as the conformance suite expects, over HTTP and HTTPS', async () => {
    const api = await bed.startApi();
    const ca = makeCA('gateway-filters-ca');
    api.server.create(tlsSecretObject('gw-tls', makeLeaf(ca, { dnsNames: ['r.example.com'] })));
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(gatewayClassObject());
    api.server.create(
      gatewayObject({
        name: 'gw',
        listeners: [
          { name: 'http', port: t.httpPort, protocol: 'HTTP' },
          { name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: 'r.example.com', tls: { certificateRefs: [{ name: 'gw-tls' }] } },
        ],
      }),
    );
    const redirect = (path: string, requestRedirect: Record<string, unknown>) => ({ matches: [prefix(path)], filters: [{ type: 'RequestRedirect', requestRedirect }] });
    api.server.create(
      httpRouteObject({
        name: 'redirects',
        hostnames: ['r.example.com'],
        rules: [
          redirect('/scheme', { scheme: 'https' }),
          redirect('/scheme-http-port-80', { scheme: 'http', port: 80 }),
          redirect('/port', { port: 8083 }),
          redirect('/host-and-status', { hostname: 'example.org', statusCode: 301 }),
          redirect('/original-prefix', { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/replacement-prefix' } }),
          redirect('/full', { path: { type: 'ReplaceFullPath', replaceFullPath: '/full-path-replacement' }, statusCode: 308 }),
          redirect('/same', {}),
        ],
      }),
    );
    const location = async (path: string) => {
      const res = await get(t.httpPort, 'r.example.com', path);
      return `${res.status} ${res.headers.get('location')}`;
    };
    await t.until('the redirects are served', async () => (await location('/scheme')).startsWith('302 '));
    const http = `http://r.example.com:${t.httpPort}`;
    const answers: Record<string, string> = {};
    for (const path of ['/scheme/x?q=1', '/scheme-http-port-80', '/port', '/host-and-status/a', '/original-prefix/lemon?x=%41', '/original-prefix', '/full/path/original?k=v', '/same']) {
      answers[path] = await location(path);
    }
    expect(answers).toEqual({
      '/scheme/x?q=1': '302 https://r.example.com/scheme/x?q=1',
      '/scheme-http-port-80': '302 http://r.example.com/scheme-http-port-80',
      '/port': '302 http://r.example.com:8083/port',
      '/host-and-status/a': `301 http://example.org:${t.httpPort}/host-and-status/a`,
      '/original-prefix/lemon?x=%41': `302 ${http}/replacement-prefix/lemon?x=%41`,
      '/original-prefix': `302 ${http}/replacement-prefix`,
      '/full/path/original?k=v': `308 ${http}/full-path-replacement?k=v`,
      '/same': `302 ${http}/same`,
    });
    // Over HTTPS the request's scheme and the HTTPS listener's port are the defaults.
    const https = async (path: string) => {
      const res = await tlsGet(t.httpsPort, { servername: 'r.example.com', host: 'r.example.com', path });
      return `${res.status} ${res.headers.location}`;
    };
    await t.until('served over HTTPS', async () => (await https('/same')).startsWith('302 '));
    expect([await https('/same'), await https('/port'), await https('/scheme-http-port-80')]).toEqual([
      `302 https://r.example.com:${t.httpsPort}/same`,
      '302 https://r.example.com:8083/port',
      '302 http://r.example.com/scheme-http-port-80',
    ]);
    await t.untilWritten('the route is accepted', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'redirects')).join() === 'Accepted=True/Accepted,ResolvedRefs=True/ResolvedRefs');
  });

  test('ResponseHeaderModifier reaches the answers haproxy makes for the rule (its redirect, 503 with no endpoint) once, as it does a server\'s; other routes\' answers stay as they were', async () => {
    const api = await bed.startApi();
    echoApp(api.server);
    api.server.create(serviceObject('empty', 'default'));
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(gatewayClassObject());
    api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP' }] }));
    const modifier = (value: string) => ({
      type: 'ResponseHeaderModifier',
      responseHeaderModifier: { set: [{ name: 'X-Resp', value }], add: [{ name: 'X-Added', value: HOSTILE }], remove: ['x-private'] },
    });
    const redirect = { type: 'RequestRedirect', requestRedirect: { path: { type: 'ReplaceFullPath', replaceFullPath: '/new' } } };
    api.server.create(
      httpRouteObject({
        name: 'answers',
        hostnames: ['answers.example.com'],
        rules: [
          { matches: [prefix('/moved')], filters: [redirect, modifier('moved')] },
          { matches: [prefix('/served')], filters: [modifier('served')], backendRefs: [{ name: 'echo' }] },
          { matches: [prefix('/down')], filters: [modifier('down')], backendRefs: [{ name: 'empty' }] },
        ],
      }),
    );
    api.server.create(httpRouteObject({ name: 'plain', hostnames: ['plain.example.com'], rules: [{ filters: [redirect] }] }));
    const answer = async (host: string, path: string) => {
      const res = await get(t.httpPort, host, path);
      return { status: res.status, location: res.headers.get('location'), resp: res.headers.get('x-resp'), added: res.headers.get('x-added'), private: res.headers.get('x-private') };
    };
    await t.until('the routes are served', async () => (await answer('answers.example.com', '/served')).status === 200 && (await answer('plain.example.com', '/')).status === 302);
    expect(await answer('answers.example.com', '/moved/x')).toEqual({ status: 302, location: `http://answers.example.com:${t.httpPort}/new`, resp: 'moved', added: HOSTILE, private: null });
    expect(await answer('answers.example.com', '/served')).toEqual({ status: 200, location: null, resp: 'served', added: HOSTILE, private: null });
    expect(await answer('answers.example.com', '/down')).toMatchObject({ status: 503, resp: 'down', added: HOSTILE });
    expect(await answer('plain.example.com', '/x')).toEqual({ status: 302, location: `http://plain.example.com:${t.httpPort}/new`, resp: null, added: null, private: null });
  });

  test('filters of a rule selected by a header match apply to its requests only; the same path without the header takes the plain rule; no rule at all is 404', async () => {
    const api = await bed.startApi();
    echoApp(api.server);
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(gatewayClassObject());
    api.server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP' }] }));
    api.server.create(
      httpRouteObject({
        name: 'both',
        hostnames: ['both.example.com'],
        rules: [
          {
            matches: [{ ...prefix('/api'), headers: [{ name: 'X-Canary', value: 'yes' }] }],
            filters: [
              { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Lane', value: 'canary' }] } },
              { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/v2' } } },
            ],
            backendRefs: [{ name: 'echo' }],
          },
          { matches: [prefix('/api')], backendRefs: [{ name: 'echo' }] },
        ],
      }),
    );
    await t.until('the route is served', async () => (await echoed(t, 'both.example.com', '/api/x')).status === 200);
    const canary = await echoed(t, 'both.example.com', '/api/x?q=1', { 'X-Canary': 'yes' });
    expect(canary).toMatchObject({ status: 200, seen: { path: '/v2/x?q=1', headers: { 'x-lane': 'canary' } } });
    const plain = await echoed(t, 'both.example.com', '/api/x?q=1', { 'X-Canary': 'no' });
    expect(plain).toMatchObject({ status: 200, seen: { path: '/api/x?q=1' } });
    expect(plain.seen.headers['x-lane']).toBeUndefined();
    expect((await echoed(t, 'both.example.com', '/other')).status).toBe(404);
  });
});
