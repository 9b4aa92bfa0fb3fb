import { describe, expect, test } from 'bun:test';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { toEndpointSlices, type Conversion } from './convert.ts';

function value<T>(c: Conversion<T>): T {
  if (!c.ok) throw new Error(`expected success, got: ${c.error}`);
  return c.value;
}

function slice(overrides: Record<string, unknown>): unknown {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc12', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    ...overrides,
  };
}

describe('toEndpointSlices: EndpointSlice', () => {
  test('keeps every address with its readiness and pod, sorts addresses and ports', () => {
    const obj = slice({
      endpoints: [
        { addresses: ['10.0.0.10'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'web-3' } },
        { addresses: ['10.0.0.9'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'web-2' } },
        // Unset readiness counts as ready; a non-Pod targetRef gives no pod name.
        { addresses: ['10.0.0.2', '10.0.0.1'], targetRef: { kind: 'Node', name: 'n1' } },
        { addresses: ['10.0.0.9'], conditions: { ready: null }, targetRef: { kind: 'Pod', name: 'web-1' } },
      ],
      ports: [
        { name: 'https', port: 8443, protocol: 'TCP' },
        { name: 'metrics', port: 8080, protocol: 'UDP' },
        { name: 'http', port: 8080, appProtocol: 'kubernetes.io/h2c' },
        { name: 'b', port: 8080 },
        { name: 'all', port: null },
      ],
    });
    const expected: EndpointSlice[] = [
      {
        namespace: 'shop',
        name: 'web-abc12',
        serviceName: 'web',
        addressType: 'IPv4',
        addresses: [
          { ip: '10.0.0.1', ready: true, podName: '' },
          { ip: '10.0.0.2', ready: true, podName: '' },
          { ip: '10.0.0.9', ready: true, podName: 'web-1' },
          { ip: '10.0.0.9', ready: false, podName: 'web-2' },
          { ip: '10.0.0.10', ready: true, podName: 'web-3' },
        ],
        ports: [
          { name: 'b', port: 8080, protocol: 'TCP', appProtocol: '' },
          { name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
          { name: 'metrics', port: 8080, protocol: 'UDP', appProtocol: '' },
          { name: 'https', port: 8443, protocol: 'TCP', appProtocol: '' },
        ],
      },
    ];
    expect(toEndpointSlices(obj, 'EndpointSlice')).toEqual({ ok: true, value: expected });
  });

  test('FQDN slices give nothing: the router dials IPs only', () => {
    expect(toEndpointSlices(slice({ addressType: 'FQDN', endpoints: [{ addresses: ['a.test'] }] }), 'EndpointSlice')).toEqual({
      ok: true,
      value: [],
    });
  });

  test('a slice without the service-name label has an empty serviceName', () => {
    const obj = slice({ metadata: { name: 'orphan', namespace: 'shop' } });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.serviceName).toBe('');
  });

  test('IPv6 addresses sort by value, not text', () => {
    const obj = slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::10', 'fd00::9', 'fd00::a'] }] });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.addresses.map((a) => a.ip)).toEqual([
      'fd00::9',
      'fd00::a',
      'fd00::10',
    ]);
  });

  test('addresses enter in canonical text; one haproxy would read otherwise stays as written, for the filter to refuse and name', () => {
    const obj = slice({ addressType: 'IPv6', endpoints: [{ addresses: ['FD00:0:0::0001', '::FFFF:0A00:0001', '010.0.0.1', 'fe80::1%eth0'] }] });
    expect(value(toEndpointSlices(obj, 'EndpointSlice'))[0]?.addresses.map((a) => a.ip)).toEqual(['010.0.0.1', 'fe80::1%eth0', '::ffff:10.0.0.1', 'fd00::1']);
    const core = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web', namespace: 'shop' }, subsets: [{ addresses: [{ ip: '2001:DB8::A' }], ports: [{ port: 80 }] }] };
    expect(value(toEndpointSlices(core, 'Endpoints'))[0]?.addresses.map((a) => a.ip)).toEqual(['2001:db8::a']);
  });

  test.each([
    ['address not a string', slice({ endpoints: [{ addresses: [10] }] }), 'EndpointSlice shop/web-abc12: endpoints[0].addresses[0] must be a string'],
    ['endpoint not an object', slice({ endpoints: ['10.0.0.1'] }), 'EndpointSlice shop/web-abc12: endpoints[0] must be an object'],
    ['ready a string', slice({ endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: 'yes' } }] }), 'EndpointSlice shop/web-abc12: endpoints[0].conditions.ready must be a boolean'],
    ['port a string', slice({ ports: [{ port: '80' }] }), 'EndpointSlice shop/web-abc12: ports[0].port must be an integer'],
    ['addressType a number', slice({ addressType: 4 }), 'EndpointSlice shop/web-abc12: addressType must be a string'],
  ])('error: %s', (_name, obj, error) => {
    expect(toEndpointSlices(obj, 'EndpointSlice')).toEqual({ ok: false, error });
  });
});

describe('toEndpointSlices: Endpoints', () => {
  const endpoints = (subsets: unknown): unknown => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'shop' },
    subsets,
  });

  test('one subset becomes one record named after the object', () => {
    const obj = endpoints([
      {
        addresses: [{ ip: '10.0.0.2', targetRef: { kind: 'Pod', name: 'web-2' } }],
        notReadyAddresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', name: 'web-1' } }],
        ports: [{ port: 8080 }],
      },
    ]);
    expect(toEndpointSlices(obj, 'Endpoints')).toEqual({
      ok: true,
      value: [
        {
          namespace: 'shop',
          name: 'web',
          serviceName: 'web',
          addressType: 'IPv4',
          addresses: [
            { ip: '10.0.0.1', ready: false, podName: 'web-1' },
            { ip: '10.0.0.2', ready: true, podName: 'web-2' },
          ],
          ports: [{ name: '', port: 8080, protocol: 'TCP', appProtocol: '' }],
        },
      ],
    });
  });

  test('several subsets become records <name>/<i>, in subset order', () => {
    const obj = endpoints([
      { addresses: [{ ip: 'fd00::1' }], ports: [{ name: 'http', port: 80 }] },
      { addresses: [{ ip: '10.0.0.1' }], ports: [{ name: 'https', port: 443 }] },
    ]);
    const records = value(toEndpointSlices(obj, 'Endpoints'));
    expect(records.map((r) => [r.name, r.serviceName, r.addressType])).toEqual([
      ['web/0', 'web', 'IPv6'],
      ['web/1', 'web', 'IPv4'],
    ]);
  });

  test.each([
    ['no subsets', undefined],
    ['empty subsets', []],
  ])('%s gives no records', (_name, subsets) => {
    expect(toEndpointSlices(endpoints(subsets), 'Endpoints')).toEqual({ ok: true, value: [] });
  });

  test('address without ip is an error', () => {
    expect(toEndpointSlices(endpoints([{ notReadyAddresses: [{ hostname: 'x' }] }]), 'Endpoints')).toEqual({
      ok: false,
      error: 'Endpoints shop/web: subsets[0].notReadyAddresses[0].ip must be a non-empty string',
    });
  });
});
