import { describe, expect, test } from 'bun:test';
import { route } from '../../test/support/fixtures.ts';
import { checkRefusedAnnotations, parseRouteOptions } from './route-options.ts';

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

describe('annotations not implemented yet', () => {
  test('are named in the notice; the route is still served', () => {
    const parsed = parseRouteOptions(withAnnotations({ 'haproxy.router.openshift.io/timeout': '5s', 'router.openshift.io/cookie_name': 'x', 'example.com/other': 'y' }));
    expect(parsed.notice).toBe('not implemented yet (issue #13), the route is served without: haproxy.router.openshift.io/timeout, router.openshift.io/cookie_name');
  });

  test('rate limits refuse the route, naming each one given', () => {
    expect(checkRefusedAnnotations(withAnnotations({}))).toEqual({ ok: true });
    // As upstream, the limits apply only when the switch reads true.
    expect(checkRefusedAnnotations(withAnnotations({ 'haproxy.router.openshift.io/rate-limit-connections': 'false', 'haproxy.router.openshift.io/rate-limit-connections.rate-http': '10' }))).toEqual({ ok: true });
    expect(checkRefusedAnnotations(withAnnotations({ 'haproxy.router.openshift.io/rate-limit-connections.rate-http': '10' }))).toEqual({ ok: true });
    const verdict = checkRefusedAnnotations(withAnnotations({ 'haproxy.router.openshift.io/rate-limit-connections': 'true', 'haproxy.router.openshift.io/rate-limit-connections.rate-http': '10' }));
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toBe('RouteNotAdmitted');
    expect(!verdict.ok && verdict.message).toStartWith('haproxy.router.openshift.io/rate-limit-connections, haproxy.router.openshift.io/rate-limit-connections.rate-http: not implemented yet (issue #13)');
  });
});

test('rate limits not switched on are named in the notice, as annotations the route is served without', () => {
  const parsed = parseRouteOptions(withAnnotations({ 'haproxy.router.openshift.io/rate-limit-connections': 'false', 'haproxy.router.openshift.io/rate-limit-connections.rate-http': '10' }));
  expect(parsed.notice).toContain('haproxy.router.openshift.io/rate-limit-connections.rate-http');
});
