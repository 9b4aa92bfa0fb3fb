import { describe, expect, test } from 'bun:test';
import { backendName, checkServerName, checkServerRef, isCheckBackendName, isRouteBackendName, serverKey } from './names.ts';

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
