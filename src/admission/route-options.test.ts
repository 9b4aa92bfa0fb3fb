import { describe, expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import { parseRouteOptions } from './route-options.ts';

const withAnnotations = (annotations: Record<string, string>) => route({ name: 'r', annotations });
const ALLOW = 'haproxy.router.openshift.io/ip_allowlist';

describe('parseRouteOptions: ip_allowlist', () => {
  test.each([
    ['addresses and ranges, v4 and v6', '10.0.0.1 192.168.0.0/16 2001:db8::/32 ::1', ['10.0.0.1', '192.168.0.0/16', '2001:db8::/32', '::1'], undefined],
    ['IPv6 in RFC 5952 form, ranges as their network', 'FD00:0::A 10.1.2.3/8', ['fd00::a', '10.0.0.0/8'], undefined],
    ['duplicates once', '10.0.0.1 10.0.0.1', ['10.0.0.1'], undefined],
    ['invalid entries dropped', '10.0.0.1 010.0.0.1 1.2.3.4/33 %[src] 10.0.0.2', ['10.0.0.1', '10.0.0.2'], 'invalid entries dropped: "010.0.0.1", "1.2.3.4/33", "%[src]"'],
    ['leading whitespace voids it, as upstream', ' 10.0.0.1', undefined, 'leading or trailing whitespace'],
    ['nothing valid: no allowlist', 'nope 999.1.1.1', undefined, 'no valid address left'],
    ['several lines: applied whole, and said (upstream applies none)', '10.0.0.1\n10.0.0.2', ['10.0.0.1', '10.0.0.2'], 'a value of several lines, which upstream ignores'],
  ] as const)('%s', (_name, value, allowlist, notice) => {
    const parsed = parseRouteOptions(withAnnotations({ [ALLOW]: value }));
    expect(parsed.options.allowlist).toEqual(allowlist === undefined ? undefined : [...allowlist]);
    if (notice === undefined) expect(parsed.notice).toBeUndefined();
    else expect(parsed.notice).toContain(notice);
  });

  test('ip_allowlist wins over the legacy ip_whitelist; an empty one leaves the legacy one in force', () => {
    expect(parseRouteOptions(withAnnotations({ [ALLOW]: '10.0.0.1', 'haproxy.router.openshift.io/ip_whitelist': '10.0.0.2' })).options.allowlist).toEqual(['10.0.0.1']);
    expect(parseRouteOptions(withAnnotations({ [ALLOW]: '', 'haproxy.router.openshift.io/ip_whitelist': '10.0.0.2' })).options.allowlist).toEqual(['10.0.0.2']);
  });

  test('no annotations: no options, no notice', () => {
    expect(parseRouteOptions(route({ name: 'r' }))).toEqual({ options: { allowlist: undefined }, notice: undefined });
  });
});

const H = 'haproxy.router.openshift.io/';
const R = 'router.openshift.io/';

describe('parseRouteOptions: valued annotations, as upstream reads them', () => {
  test.each([
    [`${H}timeout`, '5s', { timeoutMs: 5000 }],
    [`${H}timeout`, '250', { timeoutMs: 250 }],
    [`${H}timeout`, '1500us', { timeoutMs: 2 }],
    [`${H}timeout`, '30d', { timeoutMs: 2_147_483_647 }],
    [`${H}timeout-tunnel`, '1h', { tunnelTimeoutMs: 3_600_000 }],
    [`${H}hsts_header`, 'max-age=31536000;includeSubDomains;preload', { hsts: 'max-age=31536000;includeSubDomains;preload' }],
    [`${H}hsts_header`, 'preload ; max-age = "300" ;\tINCLUDESUBDOMAINS', { hsts: 'preload;max-age="300";INCLUDESUBDOMAINS' }],
    [`${H}balance`, 'leastconn', { balance: 'leastconn' }],
    [`${H}set-forwarded-headers`, 'if-none', { forwardedHeaders: 'if-none' }],
    [`${H}pod-concurrent-connections`, '20', { podMaxConn: 20 }],
    [`${R}haproxy.health.check.interval`, '2s', { checkIntervalMs: 2000 }],
    [`${H}h1-adjust-case`, 'true', { h1AdjustCase: true }],
    [`${H}disable_cookies`, 'true', { cookiesDisabled: true }],
    [`${H}disable_cookies`, 'T', { cookiesDisabled: true }],
    [`${R}cookie_name`, 'SESSION_id-1', { cookieName: 'SESSION_id-1' }],
    [`${R}cookie-same-site`, 'Strict', { cookieSameSite: 'Strict' }],
    [`${H}rewrite-target`, '/', { rewriteTarget: { replacement: '/\\1', root: true } }],
    [`${H}rewrite-target`, '/v2/%x', { rewriteTarget: { replacement: '/v2/%%x\\1', root: false } }],
  ] as const)('%s: %p', (name, value, options) => {
    const parsed = parseRouteOptions(withAnnotations({ [name]: value }));
    expect(parsed.options).toEqual({ allowlist: undefined, ...options });
    expect(parsed.notice).toBeUndefined();
  });

  const hostile = ['5s\ntimeout server 1', "5s' x", '%[src]', '0', '-1s', '5 s', '5sec', ''];
  test.each([
    ...hostile.map((v) => [`${H}timeout`, v] as const),
    ...hostile.map((v) => [`${H}timeout-tunnel`, v] as const),
    [`${H}hsts_header`, 'max-age=1\nhttp-response set-header X y'],
    [`${H}hsts_header`, 'max-age=1;max-age=2'],
    [`${H}hsts_header`, 'includeSubDomains'],
    [`${H}hsts_header`, 'max-age=%[src]'],
    [`${H}hsts_header`, "max-age=1'"],
    [`${H}hsts_header`, ' max-age=1'],
    [`${H}hsts_header`, 'max-age=1 '],
    [`${H}hsts_header`, `max-age=${'9'.repeat(300)}`],
    [`${H}balance`, 'uri'],
    [`${H}set-forwarded-headers`, 'Replace'],
    [`${H}pod-concurrent-connections`, '-1'],
    [`${H}pod-concurrent-connections`, '5\n  server x 1.2.3.4:1'],
    [`${R}haproxy.health.check.interval`, '0'],
    [`${H}balance`, 'roundrobin\n  server x 1.2.3.4:1'],
    [`${R}cookie_name`, 'a b'],
    [`${R}cookie_name`, 'x;y'],
    [`${R}cookie_name`, 'x\ncookie y'],
    [`${R}cookie-same-site`, 'lax'],
    [`${H}rewrite-target`, 'v2'],
    [`${H}rewrite-target`, '/v2\nhttp-request deny'],
  ] as const)('%s: %p is ignored and named', (name, value) => {
    const parsed = parseRouteOptions(withAnnotations({ [name]: value }));
    expect(parsed.options).toEqual({ allowlist: undefined });
    expect(parsed.notice).toStartWith(`${name}: `);
    expect(parsed.notice).toEndWith(': ignored');
  });

  test('disable_cookies other than true changes nothing, as upstream', () => {
    expect(parseRouteOptions(withAnnotations({ [`${H}disable_cookies`]: 'yes' })).options).toEqual({ allowlist: undefined });
  });
});

test('pool-size has no effect, as upstream, and says so', () => {
  const parsed = parseRouteOptions(withAnnotations({ 'router.openshift.io/pool-size': '5', 'example.com/other': 'y' }));
  expect(parsed).toEqual({ options: { allowlist: undefined }, notice: expect.stringContaining('router.openshift.io/pool-size: has no effect, as in openshift-router') });
});

const RL = 'haproxy.router.openshift.io/rate-limit-connections';

describe('parseRouteOptions: rate limits', () => {
  test.each([
    [{ [RL]: 'true', [`${RL}.concurrent-tcp`]: '10', [`${RL}.rate-tcp`]: '20', [`${RL}.rate-http`]: '30' }, { concurrent: 10, tcpRate: 20, httpRate: 30 }],
    [{ [RL]: '1', [`${RL}.rate-http`]: '5', [`${RL}.status-code`]: '429' }, { httpRate: 5, status: 429 }],
    [{ [RL]: 'true', [`${RL}.concurrent-tcp`]: '0' }, { concurrent: 0 }],
  ])('%p', (annotations, rateLimits) => {
    const parsed = parseRouteOptions(withAnnotations(annotations));
    expect(parsed.options.rateLimits).toEqual(rateLimits);
    expect(parsed.notice).toBeUndefined();
  });

  test.each([
    [{ [RL]: 'true', [`${RL}.rate-http`]: '-1' }, `${RL}.rate-http: "-1" is not a whole number: ignored`],
    [{ [RL]: 'true', [`${RL}.rate-tcp`]: '5\n  reject' }, `${RL}.rate-tcp: "5\\n  reject" is not a whole number: ignored`],
    [{ [RL]: 'true', [`${RL}.rate-http`]: '5', [`${RL}.status-code`]: '418' }, `${RL}.status-code: "418" is not one of 200, 400`],
    [{ [RL]: 'true', [`${RL}.concurrent-tcp`]: '5', [`${RL}.status-code`]: '429' }, `${RL}.status-code: applies to rate-http only, which is not set: ignored`],
    [{ [RL]: 'false', [`${RL}.rate-http`]: '10' }, `${RL}.rate-http: ignored, as upstream, while ${RL} is not true`],
  ])('%p is said', (annotations, notice) => {
    expect(parseRouteOptions(withAnnotations(annotations)).notice).toContain(notice);
  });

  test('a passthrough route has no HTTP rate', () => {
    const parsed = parseRouteOptions(route({ name: 'r', tls: routeTls('passthrough'), annotations: { [RL]: 'true', [`${RL}.rate-http`]: '5', [`${RL}.rate-tcp`]: '7' } }));
    expect(parsed.options.rateLimits).toEqual({ tcpRate: 7 });
    expect(parsed.notice).toContain('passthrough routes carry no HTTP requests');
  });
});
