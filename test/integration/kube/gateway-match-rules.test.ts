/**
 * Hosts served by match rules (HTTPRoute header, query parameter and method
 * matches) against the fake API and a real haproxy: over HTTP and HTTPS, on
 * exact and wildcard hosts; what reloads and what does not; values tenants
 * write that could break the configuration.
 */
import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../support/certs.ts';
import { brief, GATEWAY_API, gatewayClassObject, gatewayObject, httpRouteObject, routeParentConditions } from '../../support/gateway-objects.ts';
import { tlsSecretObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, type KubeTestRouter } from '../../support/kube-harness.ts';
import { tlsGet } from '../../support/tls-client.ts';

setDefaultTimeout(30_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** The backend that answers one plain HTTP request, or its status. */
async function ask(t: KubeTestRouter, host: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${t.httpPort}/`, { method: opts.method ?? 'GET', headers: { ...opts.headers, Host: host, Connection: 'close' }, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status === 200 ? (res.headers.get('x-backend') ?? '?') : String(res.status);
}

const header = (name: string, value: string) => ({ name, value });
const reloads = (t: KubeTestRouter) => Object.fromEntries(t.router.reloadCounts);

describe('match rules', () => {
  test('served over HTTP and HTTPS, exact hosts before wildcards; their changes reload, other hosts change live; bad values refused in status', async () => {
    const api = await bed.startApi();
    for (const name of ['web', 'v1', 'v2']) bed.app(api.server, name);
    api.server.create(tlsSecretObject('gw-tls', makeLeaf(makeCA('match-rules-ca'), { dnsNames: ['*.example.com'] })));
    api.server.create(gatewayClassObject());
    const t = await bed.startRouter(api, { args: GATEWAY_API });
    api.server.create(
      gatewayObject({
        name: 'gw',
        listeners: [
          { name: 'http', port: t.httpPort, protocol: 'HTTP' },
          { name: 'https', port: t.httpsPort, protocol: 'HTTPS', hostname: '*.example.com', tls: { certificateRefs: [{ name: 'gw-tls' }] } },
        ],
      }),
    );
    const canary = (value: string) =>
      httpRouteObject({ name: 'canary', hostnames: ['app.example.com'], rules: [{ matches: [{ headers: [header('version', value)] }], backendRefs: [{ name: 'v2' }] }, { backendRefs: [{ name: 'web' }] }] });
    api.server.create(canary('two'));
    api.server.create(httpRouteObject({ name: 'wild', hostnames: ['*.wild.example.com'], rules: [{ matches: [{ method: 'POST' }], backendRefs: [{ name: 'v1' }] }] }));
    api.server.create(httpRouteObject({ name: 'exact-in-wild', hostnames: ['a.wild.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.until('every route is served', async () => (await ask(t, 'b.c.wild.example.com', { method: 'POST' })) === 'v1' && (await ask(t, 'a.wild.example.com')) === 'web');
    const https = async (headers: Record<string, string>) => (await tlsGet(t.httpsPort, { servername: 'app.example.com', host: 'app.example.com', headers })).headers['x-backend'];
    await t.until('served over HTTPS', async () => (await https({})) === 'web');
    expect({
      'app version two': await ask(t, 'app.example.com', { headers: { Version: 'two' } }),
      'app': await ask(t, 'app.example.com'),
      'app over HTTPS, version two': await https({ Version: 'two' }),
      'app over HTTPS': await https({}),
      'POST a.wild: the exact host first': await ask(t, 'a.wild.example.com', { method: 'POST' }),
      'POST b.c.wild: the wildcard, any depth': await ask(t, 'b.c.wild.example.com', { method: 'POST' }),
      'GET b.c.wild': await ask(t, 'b.c.wild.example.com'),
    }).toEqual({
      'app version two': 'v2',
      'app': 'web',
      'app over HTTPS, version two': 'v2',
      'app over HTTPS': 'web',
      'POST a.wild: the exact host first': 'web',
      'POST b.c.wild: the wildcard, any depth': 'v1',
      'GET b.c.wild': '404',
    }); // prettier-ignore
    const settled = reloads(t);

    // A host without conditions is served through the maps and the runtime API, whatever other hosts have.
    api.server.create(httpRouteObject({ name: 'plain', hostnames: ['plain.example.com'], rules: [{ backendRefs: [{ name: 'web' }] }] }));
    await t.until('the plain host is served', async () => (await ask(t, 'plain.example.com')) === 'web');
    api.server.update(httpRouteObject({ name: 'plain', hostnames: ['plain.example.com'], rules: [{ backendRefs: [{ name: 'v1' }] }] }));
    await t.until('its new backend is served', async () => (await ask(t, 'plain.example.com')) === 'v1');
    expect(reloads(t)).toEqual(settled);

    // A host with conditions is rendered in the frontends: changing its matches reloads, and says why.
    api.server.update(canary('three'));
    await t.until('the new value is served', async () => (await ask(t, 'app.example.com', { headers: { Version: 'three' } })) === 'v2');
    expect(await ask(t, 'app.example.com', { headers: { Version: 'two' } })).toBe('web');
    expect(reloads(t)['match-rules-changed']).toBe((settled['match-rules-changed'] ?? 0) + 1);

    // What could break the configuration is refused in the route's status; what quoting keeps whole is served.
    api.server.create(
      httpRouteObject({
        name: 'hostile',
        hostnames: ['app.example.com'],
        rules: [
          { matches: [{ headers: [header('x', 'a\nb')] }, { headers: [header("x'y", 'a')] }, { queryParams: [header('q', 'é')] }], backendRefs: [{ name: 'v1' }] },
          { matches: [{ headers: [header('x-odd', `'} { -m reg .* } $HOME "\${HOME}" # \\x41 %[src]`)] }], backendRefs: [{ name: 'v1' }] },
        ],
      }),
    );
    await t.until('the odd value is served as written', async () => (await ask(t, 'app.example.com', { headers: { 'X-Odd': `'} { -m reg .* } $HOME "\${HOME}" # \\x41 %[src]` } })) === 'v1');
    expect(await ask(t, 'app.example.com', { headers: { 'X-Odd': 'A' } })).toBe('web');
    expect(await ask(t, 'app.example.com', { headers: { Version: 'three' } })).toBe('v2');
    await t.untilWritten('the refused matches are named', () => brief(routeParentConditions(api.server, 'HTTPRoute', 'default', 'hostile')).includes('PartiallyInvalid=True/UnsupportedValue'));
    expect(routeParentConditions(api.server, 'HTTPRoute', 'default', 'hostile')?.find((c) => c.type === 'PartiallyInvalid')?.message).toBe(
      'Dropped Rule(s): rule 0 match 0: header x: value "a\\nb" is not 1 to 4096 printable US-ASCII characters (single spaces or tabs between); ' +
        'rule 0 match 1: header name "x\'y" is not a token of at most 256 characters without a quote; ' +
        'rule 0 match 2: query parameter q: value "é" is not 1 to 1024 printable US-ASCII characters (single spaces or tabs between)',
    );
  });
});
