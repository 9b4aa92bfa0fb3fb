import { describe, expect, test } from 'bun:test';
import { toIngress, toIngressClass, toIngressSecret, toServicePorts } from './convert-ingress.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('toIngress', () => {
  test('every field the conversion reads, and nothing else', () => {
    const converted = toIngress({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'shop', uid: 'u1', creationTimestamp: '2026-01-01T00:00:00Z', labels: { a: 'b' }, annotations: { c: 'd' }, managedFields: [{}] },
      spec: {
        ingressClassName: 'router',
        defaultBackend: { service: { name: 'fallback', port: { number: 80 } } },
        rules: [
          { host: 'a.example.com', http: { paths: [{ path: '/x', pathType: 'Exact', backend: { service: { name: 'web', port: { name: 'http' } } } }] } },
          { host: 'b.example.com' },
          { http: { paths: [{ pathType: 'Prefix', backend: { resource: { apiGroup: 'example.com', kind: 'Bucket', name: 'b' } } }] } },
        ],
        tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }, {}],
      },
      status: { loadBalancer: {} },
    });
    expect(converted).toEqual({
      ok: true,
      value: {
        namespace: 'shop',
        name: 'web',
        uid: 'u1',
        creationTimestamp: '2026-01-01T00:00:00Z',
        labels: { a: 'b' },
        annotations: { c: 'd' },
        className: 'router',
        defaultBackend: { kind: 'Service', name: 'fallback', port: { number: 80 } },
        rules: [
          { host: 'a.example.com', paths: [{ path: '/x', pathType: 'Exact', backend: { kind: 'Service', name: 'web', port: { name: 'http' } } }] },
          { host: 'b.example.com', paths: undefined },
          { host: '', paths: [{ path: '', pathType: 'Prefix', backend: { kind: 'Unsupported', description: 'resource backend "example.com/Bucket b"' } }] },
        ],
        tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }, { hosts: [], secretName: '' }],
      },
    });
  });

  test.each([
    [{ rules: [{ http: { paths: [{ backend: {} }] } }] }, 'Ingress shop/web: spec.rules[0].http.paths[0].backend.service must be an object'],
    [{ rules: 'x' }, 'Ingress shop/web: spec.rules must be a list'],
    [{ tls: [{ hosts: [1] }] }, 'Ingress shop/web: spec.tls[0].hosts[0] must be a string'],
  ])('a malformed spec is an error naming the field', (spec, error) => {
    expect(toIngress({ metadata: { name: 'web', namespace: 'shop' }, spec })).toEqual({ ok: false, error });
  });

  test('a Service backend without a port is kept as one that cannot be served', () => {
    const c = toIngress({ metadata: { name: 'web', namespace: 'shop' }, spec: { defaultBackend: { service: { name: 'x' } } } });
    expect(c.ok && c.value.defaultBackend).toEqual({ kind: 'Unsupported', description: 'Service x without a port name or number' });
  });
});

describe('toIngressClass', () => {
  test.each([
    [{ metadata: { name: 'router', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'c' } }, { name: 'router', controller: 'c', isDefault: true }],
    [{ metadata: { name: 'router', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'yes' } }, spec: { controller: 'c' } }, { name: 'router', controller: 'c', isDefault: false }],
    [{ metadata: { name: 'router' } }, { name: 'router', controller: '', isDefault: false }],
  ])('%#', (obj, value) => expect(toIngressClass(obj)).toEqual({ ok: true, value }));

  test('a class needs a name', () => expect(toIngressClass({ metadata: {} })).toEqual({ ok: false, error: 'IngressClass: metadata.name must be a non-empty string' }));
});

describe('toIngressSecret', () => {
  test('keeps only tls.crt and tls.key, decoded; stringData wins; other keys never leave', () => {
    const c = toIngressSecret({
      metadata: { name: 's', namespace: 'shop' },
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': b64('CERT'), 'tls.key': b64('OLD'), password: b64('hunter2') },
      stringData: { 'tls.key': 'KEY' },
    });
    expect(c).toEqual({ ok: true, value: { namespace: 'shop', name: 's', type: 'kubernetes.io/tls', data: { 'tls.crt': 'CERT', 'tls.key': 'KEY' }, undecodable: [] } });
  });

  test('a value that is not base64 is recorded, not guessed at; no type reads as Opaque', () => {
    const c = toIngressSecret({ metadata: { name: 's', namespace: 'shop' }, data: { 'tls.crt': 'not base64!' } });
    expect(c).toEqual({ ok: true, value: { namespace: 'shop', name: 's', type: 'Opaque', data: {}, undecodable: ['tls.crt'] } });
  });
});

test('toServicePorts keeps each port\'s number and name', () => {
  const c = toServicePorts({ metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80, targetPort: 8080 }, { port: 81 }, { name: 'x' }] } });
  expect(c).toEqual({ ok: true, value: { namespace: 'shop', name: 'web', ports: [{ name: 'http', port: 80 }, { name: '', port: 81 }] } });
});
