import { describe, expect, test } from 'bun:test';
import { makeCA, makeLeaf } from '../../../test/support/certs.ts';
import type { Ingress, IngressSecret } from '../../domain/ingress.ts';
import { DEFAULT_CLASS_CONTROLLER } from '../../ingress/ingress-class.ts';
import { IngressTranslator } from './ingress-translator.ts';

function ingress(name: string, more: Partial<Ingress> = {}): Ingress {
  return {
    namespace: 'shop',
    name,
    uid: `uid-${name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: {},
    annotations: {},
    className: undefined,
    defaultBackend: undefined,
    rules: [{ host: `${name}.example.com`, paths: [{ path: '/', pathType: 'Prefix', backend: { kind: 'Service', name, port: { number: 80 } } }] }],
    tls: [],
    ...more,
  };
}

const ca = makeCA('translator-test');
const [first, second] = [makeLeaf(ca, { dnsNames: ['a.example.com'] }), makeLeaf(ca, { dnsNames: ['a.example.com'] })];

const secret = (name: string, pem = first): IngressSecret => ({
  namespace: 'shop',
  name,
  type: 'kubernetes.io/tls',
  data: { 'tls.crt': pem.cert, 'tls.key': pem.key },
  undecodable: [],
});

const hosts = (t: IngressTranslator) => [...t.routeKeys()].map((k) => t.route(k)?.host).sort();

describe('IngressTranslator', () => {
  test('a Service change converts only the Ingresses that read it', () => {
    const t = new IngressTranslator({ controller: DEFAULT_CLASS_CONTROLLER });
    t.setIngress('shop/a', ingress('a'));
    t.setIngress('shop/b', ingress('b'));
    const first = t.reconcile();
    expect(first.changed).toEqual([]);
    expect(first.problems.map((p) => p.message)).toEqual([
      'Ingress shop/a: host a.example.com path "/" is not served: Service shop/a not found (its port 80 is named by number, which only the Service can resolve)',
      'Ingress shop/b: host b.example.com path "/" is not served: Service shop/b not found (its port 80 is named by number, which only the Service can resolve)',
    ]);
    t.setService('shop/a', { namespace: 'shop', name: 'a', ports: [{ name: 'http', port: 80 }] });
    const second = t.reconcile();
    expect(second.changed).toHaveLength(1);
    expect(second.problems).toEqual([]);
    expect(t.route(second.changed[0] ?? '')).toMatchObject({ host: 'a.example.com', targetPort: 'http' });
    expect(t.allProblems()).toHaveLength(1);
  });

  test('a Secret rotation changes the routes of the Ingress that names it; a namespace waits until its Secrets are read', () => {
    let known = false;
    const t = new IngressTranslator({ controller: DEFAULT_CLASS_CONTROLLER, secretsKnown: () => known });
    const tlsIngress = ingress('a', { tls: [{ hosts: ['a.example.com'], secretName: 'a-tls' }], rules: [{ host: 'a.example.com', paths: [{ path: '/', pathType: 'Prefix', backend: { kind: 'Service', name: 'a', port: { name: 'http' } } }] }] });
    t.setService('shop/a', { namespace: 'shop', name: 'a', ports: [{ name: 'http', port: 80 }] });
    t.setIngress('shop/a', tlsIngress);
    expect(t.reconcile()).toEqual({ changed: [], problems: [], converted: ['shop/a'] });
    expect([...t.secretNamespaces()]).toEqual(['shop']);
    t.setSecret('shop/a-tls', secret('a-tls'));
    known = true;
    t.secretsChanged('shop');
    const { changed } = t.reconcile();
    expect(changed).toHaveLength(1);
    const key = changed[0] ?? '';
    expect(t.route(key)?.tls?.certificate).toBe(first.cert);
    t.setSecret('shop/a-tls', secret('a-tls', second));
    expect(t.reconcile().changed).toEqual([key]);
    expect(t.route(key)?.tls?.certificate).toBe(second.cert);
    t.setSecret('shop/other', secret('other'));
    expect(t.reconcile().changed).toEqual([]);
    t.forgetSecrets('shop');
    const problem = { level: 'warn' as const, message: 'Ingress shop/a: host a.example.com is not served: Secret shop/a-tls not found' };
    expect(t.reconcile()).toEqual({ changed: [key], problems: [problem], converted: ['shop/a'] });
    expect(t.problemsOf('shop/a')).toEqual([problem]);
    expect(t.route(key)).toBeUndefined();
  });

  test('a class change looks at every Ingress again: those given to another controller lose their routes, with a debug line', () => {
    const t = new IngressTranslator({ controller: DEFAULT_CLASS_CONTROLLER });
    t.setService('shop/a', { namespace: 'shop', name: 'a', ports: [{ name: 'http', port: 80 }] });
    t.setIngress('shop/a', ingress('a'));
    t.reconcile();
    expect(hosts(t)).toEqual(['a.example.com']);
    t.setClass('nginx', { name: 'nginx', controller: 'k8s.io/ingress-nginx', isDefault: true });
    const { changed, problems } = t.reconcile();
    expect(changed).toHaveLength(1);
    expect(problems).toEqual([{ level: 'debug', message: 'Ingress shop/a is not served: it names no class and the default IngressClass nginx is another controller\'s' }]);
    expect(hosts(t)).toEqual([]);
    expect([...t.secretNamespaces()]).toEqual([]);
  });

  test('a deleted Ingress takes its routes and its problems along', () => {
    const t = new IngressTranslator({ controller: DEFAULT_CLASS_CONTROLLER });
    t.setIngress('shop/a', ingress('a', { rules: [] }));
    expect(t.reconcile().problems).toHaveLength(1);
    t.setIngress('shop/a', undefined);
    expect(t.reconcile()).toEqual({ changed: [], problems: [], converted: ['shop/a'] });
    expect(t.problemsOf('shop/a')).toEqual([]);
    expect(t.allProblems()).toEqual([]);
  });
});
