import { describe, expect, test } from 'bun:test';
import { backendName, checkServerName, checkServerRef, gatewayRouteName, ingressRouteName, isCheckBackendName, isDns1123Subdomain, isGatewayRouteName, isGeneratedRouteName, isIngressRouteName, isRouteBackendName, serverKey } from './names.ts';

describe('backendName', () => {
  test.each([
    ['http', 'be_http:shop:web'],
    ['edge', 'be_edge_http:shop:web'],
    ['reencrypt', 'be_secure:shop:web'],
    ['passthrough', 'be_tcp:shop:web'],
  ] as const)('%s: openshift-router\'s name', (termination, want) => expect(backendName(termination, 'shop', 'web')).toBe(want));
});

describe('isRouteBackendName', () => {
  test.each([
    ['be_http:shop:web', true],
    ['be_tcp:_spare_rr:3', true],
    [backendName('edge', 'a', 'b'), true],
    // The TLS hand-off backends of the frontends, and anything else haproxy might report.
    ['be_sni', false],
    ['be_no_sni', false],
    ['be_http', false],
    ['be_http:shop', false],
    ['be_other:shop:web', false],
    ['stats', false],
  ])('%s: %p', (name, want) => expect(isRouteBackendName(name)).toBe(want));
});

test('serverKey names a server as the CLI does', () => {
  expect(serverKey({ backend: 'be_http:shop:web', server: 'pod:web-1:web:http:10.0.0.1:8080' })).toBe('be_http:shop:web/pod:web-1:web:http:10.0.0.1:8080');
});

describe('check slots', () => {
  test.each([
    [1, 'be_checks_0'],
    [64, 'be_checks_0'],
    [65, 'be_checks_1'],
    [5000, 'be_checks_78'],
  ])('slot %p lives in %s, 64 a backend', (n, backend) => expect(checkServerRef(checkServerName(n))).toEqual({ backend, server: `chk${n}` }));

  test.each([
    ['be_checks_0', true],
    ['be_checks_78', true],
    ['be_checks_', false],
    ['be_checks_1x', false],
    ['be_http:shop:web', false],
  ])('%s is a check backend: %p', (name, want) => expect([isCheckBackendName(name), isRouteBackendName(name) && want]).toEqual([want, false]));
});

describe('ingressRouteName', () => {
  test('readable, stable, distinct per what it serves, and never a DNS-1123 name (so never a Route\'s)', () => {
    const name = ingressRouteName('shop', 'a.example.com /cart Prefix');
    expect(name).toMatch(/^shop_ingress_[0-9a-f]{16}$/);
    expect(ingressRouteName('shop', 'a.example.com /cart Prefix')).toBe(name);
    expect(ingressRouteName('shop', 'a.example.com /cart Exact')).not.toBe(name);
    expect(ingressRouteName('shop2', 'a.example.com /cart Prefix')).not.toBe(name);
    expect(isDns1123Subdomain(name)).toBe(false);
    expect(isIngressRouteName(name)).toBe(true);
  });

  test('bounded however long the Ingress name and what it serves are; odd characters never reach the name', () => {
    const name = ingressRouteName(`${'a'.repeat(250)}.x`, `${'h'.repeat(253)} /${'p'.repeat(2000)}`);
    expect(name.length).toBeLessThanOrEqual(88);
    expect(isIngressRouteName(name)).toBe(true);
    expect(ingressRouteName('A b:c', 'x')).toMatch(/^--b-c_ingress_[0-9a-f]{16}$/);
  });

  test.each(['web', 'web_ingress_0123', 'web_ingress_0123456789abcdeF', '_ingress_0123456789abcdef', 'a/b_ingress_0123456789abcdef'])('%p is not one', (name) => {
    expect(isIngressRouteName(name)).toBe(false);
  });
});

describe('gatewayRouteName', () => {
  test('readable, stable, distinct per kind, namespace, name and what it serves, and never a DNS-1123 name', () => {
    const name = gatewayRouteName('HTTPRoute', 'shop', 'web', 'a.example.com PathPrefix /cart');
    expect(name).toMatch(/^web_httproute_[0-9a-f]{16}$/);
    expect(gatewayRouteName('HTTPRoute', 'shop', 'web', 'a.example.com PathPrefix /cart')).toBe(name);
    expect(gatewayRouteName('HTTPRoute', 'shop', 'web', 'a.example.com Exact /cart')).not.toBe(name);
    expect(gatewayRouteName('HTTPRoute', 'shop2', 'web', 'a.example.com PathPrefix /cart')).not.toBe(name);
    expect(gatewayRouteName('TLSRoute', 'shop', 'web', 'a.example.com')).toMatch(/^web_tlsroute_[0-9a-f]{16}$/);
    expect(isDns1123Subdomain(name)).toBe(false);
    expect([isGatewayRouteName(name), isIngressRouteName(name), isGeneratedRouteName(name)]).toEqual([true, false, true]);
    expect(isGeneratedRouteName(ingressRouteName('web', 'x'))).toBe(true);
  });

  test('bounded however long the names are; odd characters never reach the name', () => {
    const name = gatewayRouteName('TLSRoute', 'n'.repeat(63), `${'a'.repeat(250)}.x`, 'h'.repeat(253));
    expect(name.length).toBeLessThanOrEqual(89);
    expect(isGatewayRouteName(name)).toBe(true);
  });

  test.each(['web', 'web_httproute_0123', 'web_gateway_0123456789abcdef', '_tlsroute_0123456789abcdef', 'a/b_httproute_0123456789abcdef'])('%p is not one', (name) => {
    expect(isGatewayRouteName(name)).toBe(false);
  });
});
