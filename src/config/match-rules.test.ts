import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import type { RequestMatch } from '../domain/request-match.ts';
import type { Route } from '../domain/route.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import { buildConfigModel } from './build-model.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { matchRuleLines } from './match-rule-lines.ts';
import { createRenderer } from './render.ts';

const when = (more: Partial<RequestMatch>): RequestMatch => ({ method: undefined, headers: [], query: [], order: 0, ...more });
const model = (routes: Route[], more = {}) =>
  buildConfigModel({ routes, slices: routes.map((r) => slice(r.to.name, ['10.0.0.1'])), settings: settings({ deepWildcards: true, ...more }), allowAddress: () => true, defaultCertificate: '' });
const order = (routes: Route[]) => model(routes).matchRules.filter((r) => r.side === 'http').map((r) => r.routeKey.slice('default/'.length));
const on = (name: string, more: Partial<Route>) => route({ name, host: 'h.example.com', ...more });

describe('buildMatchRules', () => {
  test('hosts without conditions have no rules, and keep their map entries', () => {
    const m = model([on('a', {}), on('b', { path: '/b' })]);
    expect(m.matchRules).toEqual([]);
    expect(m.maps['os_http_be_prefix.map'].map((e) => e.key)).toEqual(['h.example.com/', 'h.example.com/b/']);
  });

  test('a route with conditions leaves the maps; every route of its host, and only its host, gets a rule', () => {
    const m = model([on('plain', {}), on('cond', { requestMatch: when({ method: 'GET' }) }), route({ name: 'other' })]);
    expect(m.maps['os_http_be_prefix.map'].map((e) => e.value)).toEqual(['be_http:default:plain', 'be_http:default:other']);
    expect(m.matchRules.map((r) => [r.side, r.routeKey, r.exact, r.prefix])).toEqual([
      ['http', 'default/cond', [], ['h.example.com/']],
      ['http', 'default/plain', [], ['h.example.com/']],
    ]);
  });

  test.each([
    ['an exact path before any prefix', [on('prefix', { path: '/a/b/c', requestMatch: when({ method: 'GET' }) }), on('exact', { path: '/a', exactPath: true })], ['exact', 'prefix']],
    ['the longest prefix before conditions', [on('cond', { requestMatch: when({ method: 'GET', headers: [{ name: 'x', value: '1' }] }) }), on('long', { path: '/path5' })], ['long', 'cond']],
    ['a method before headers', [on('header', { requestMatch: when({ headers: [{ name: 'v', value: 'four' }] }) }), on('method', { requestMatch: when({ method: 'PATCH' }) })], ['method', 'header']],
    [
      'more headers before fewer',
      [on('one', { requestMatch: when({ headers: [{ name: 'a', value: '1' }] }) }), on('two', { requestMatch: when({ headers: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }) })],
      ['two', 'one'],
    ],
    ['headers before query parameters', [on('query', { requestMatch: when({ query: [{ name: 'a', value: '1' }] }) }), on('header', { requestMatch: when({ headers: [{ name: 'a', value: '1' }] }) })], ['header', 'query']],
    [
      'more query parameters before fewer',
      [on('one', { requestMatch: when({ query: [{ name: 'a', value: '1' }] }) }), on('two', { requestMatch: when({ query: [{ name: 'a', value: '1' }, { name: 'b', value: '2' }] }) })],
      ['two', 'one'],
    ],
    // Routes come oldest first (admission sorts them): age is their place, whatever their match order.
    ['then the oldest route', [on('old', { requestMatch: when({ method: 'POST', order: 5 }) }), on('young', { creationTimestamp: '2026-02-01T00:00:00Z', requestMatch: when({ method: 'GET' }) })], ['old', 'young']],
    ['then the first match of a route', [on('second', { uid: 'same', requestMatch: when({ method: 'GET', order: 3 }) }), on('first', { uid: 'same', requestMatch: when({ method: 'POST', order: 1 }) })], ['first', 'second']],
  ])('precedence: %s', (_name, routes, want) => {
    expect(order(routes)).toEqual(want);
  });

  test('edge routes get rules in the TLS frontends, and in the plain one only when they serve plain HTTP', () => {
    const edge = (name: string, policy: string, match?: RequestMatch) => on(name, { path: `/${name}`, tls: routeTls('edge', { insecureEdgeTerminationPolicy: policy }), ...(match ? { requestMatch: match } : {}) });
    const m = model([edge('allow', 'Allow', when({ method: 'GET' })), edge('none', 'None')]);
    expect(m.matchRules.map((r) => [r.side, r.routeKey])).toEqual([
      ['http', 'default/allow'],
      ['https', 'default/allow'],
      ['https', 'default/none'],
    ]);
  });
});

describe('matchRuleLines', () => {
  test('one gate and one action per kind of host with rules, before its lookups, whatever the number of rules', () => {
    const deep = { host: 'wildcard.example.com', wildcardPolicy: 'Subdomain', deepWildcard: true };
    const m = model([
      on('exact', { path: '/v2', exactPath: true, requestMatch: when({ method: 'GET', headers: [{ name: 'version', value: 'two' }] }) }),
      on('prefix', { path: '/v2', requestMatch: when({ headers: [{ name: 'version', value: 'two' }], query: [{ name: 'animal', value: 'whale' }] }) }),
      ...Array.from({ length: 50 }, (_, i) => route({ name: `r${i}`, host: `r${i}.example.com`, requestMatch: when({ method: 'GET' }) })),
      route({ name: 'deep', ...deep, requestMatch: when({ method: 'GET' }) }),
    ]);
    const lines = matchRuleLines(m.matchRules, 'http');
    expect(lines.acls).toEqual([
      'acl gwm_exact var(txn.route_key),field(1,/) -m str -f gateway-match-hosts-http.lst',
      'acl gwm_deep2 var(txn.deep_key),field(1,/) -m str -f gateway-match-hosts-http.lst',
    ]);
    const action = (variable: string, gate: string) => `http-request lua.gateway_match http ${variable} if ${gate} !{ var(txn.backend) -m found }`;
    expect(lines.exact).toEqual([action('txn.route_key', 'gwm_exact')]);
    expect([...lines.deep]).toEqual([[2, [action('txn.deep_key', 'gwm_deep2')]]]);
    expect([lines.wildcard, lines.catchAll]).toEqual([[], []]);
    expect(matchRuleLines(m.matchRules, 'https')).toEqual({ acls: [], exact: [], wildcard: [], catchAll: [], deep: new Map() });
  });
});

describe('hostile names and values', () => {
  const dir = shortTempDir();
  afterAll(() => dir.remove());
  // What request-conditions.ts lets through, at its edges: every token character but the quote in names, quotes,
  // braces, comment and variable characters, backslashes and flag-like text in values.
  const hostile: RequestMatch = when({
    method: 'DELETE',
    headers: [
      { name: "!#$%&*+-.^_`|~09az", value: `'}' { -m reg .* } \\x00 $HOME "\${HOME}" # not a comment %[src]` },
      { name: 'x', value: '}' },
      { name: 'y', value: '-i' },
      { name: 'z', value: 'v'.repeat(4096) },
    ],
    query: [{ name: 'q', value: "a'\tb'" }],
  });

  test('the rendered config passes haproxy -c (which loads the Lua), the hostile values only in the Lua table, escaped', async () => {
    const serving = makeSelfSignedLeaf({ dnsNames: ['h.example.com'] });
    const m = model([on('hostile', { requestMatch: hostile }), on('plain', { path: '/p' })], {
      adminSocketPath: join(dir.path, 'admin.sock'),
      certDir: dir.path,
      tls: { ...settings().tls, ticketKeysPath: await writeTicketKeys(dir.path) },
    });
    const files = createRenderer(EMBEDDED_ASSETS)({ ...m, defaultCertificate: `${serving.key}${serving.cert}` });
    const config = files.get('haproxy.config') ?? '';
    expect(config).not.toContain('HOME');
    expect(files.get('gateway-match-rules.lua')).toContain('\\036HOME');
    for (const [name, text] of files) await Bun.write(join(dir.path, name), text);
    const result = await checkConfig('haproxy', join(dir.path, 'haproxy.config'));
    expect(result.output).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
