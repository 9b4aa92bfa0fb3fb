import { describe, expect, test } from 'bun:test';
import { GATEWAY_GROUP, type Gateway, type HTTPRoute } from '../../domain/gateway.ts';
import { GatewayTranslator } from './gateway-translator.ts';

const CONTROLLER = 'example.com/gw';
const gateway: Gateway = {
  namespace: 'infra', name: 'gw', uid: 'g', creationTimestamp: '', generation: 1, className: 'router', addresses: [],
  listeners: [{ name: 'http', hostname: '', port: 80, protocol: 'HTTP', tlsMode: undefined, certificateRefs: [], namespaces: { from: 'All' }, kinds: [] }],
};
const route = (name: string, service: string): HTTPRoute => ({
  namespace: 'shop', name, uid: name, creationTimestamp: '', generation: 1, hostnames: [`${name}.example.com`],
  parentRefs: [{ group: GATEWAY_GROUP, kind: 'Gateway', namespace: 'infra', name: 'gw', sectionName: '', port: undefined }],
  rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], filters: [], backendRefs: [{ group: '', kind: 'Service', name: service, namespace: undefined, port: 80, weight: 1, hasFilters: false }], unsupported: [] }],
});

function translator(): GatewayTranslator {
  const t = new GatewayTranslator({ controllerName: CONTROLLER, httpPort: 80, httpsPort: 443 });
  t.setClass('router', { name: 'router', generation: 1, controllerName: CONTROLLER, hasParameters: false });
  t.setGateway('infra/gw', gateway);
  t.setService('shop/a', { namespace: 'shop', name: 'a', ports: [{ name: 'http', port: 80 }] });
  t.setHTTPRoute('shop/one', route('one', 'a'));
  t.setHTTPRoute('shop/two', route('two', 'b'));
  t.reconcile();
  return t;
}

describe('GatewayTranslator', () => {
  test('a Service change converts only the routes that name it', () => {
    const t = translator();
    const keys = [...t.routeKeys()];
    expect(keys.length).toBe(2);
    const two = keys.find((k) => t.route(k)?.host === 'two.example.com') ?? '';
    expect(t.route(two)?.to.name).not.toBe('b');
    t.setService('shop/b', { namespace: 'shop', name: 'b', ports: [{ name: 'http', port: 80 }] });
    expect(t.reconcile()).toEqual([two]);
    expect(t.route(two)?.to.name).toBe('b');
  });

  test('a class given to another controller takes every route away', () => {
    const t = translator();
    const before = [...t.routeKeys()];
    t.setClass('router', { name: 'router', generation: 2, controllerName: 'example.com/other', hasParameters: false });
    expect(t.reconcile().sort()).toEqual(before.sort());
    expect([...t.routeKeys()]).toEqual([]);
  });

  test('a deleted HTTPRoute takes its routes and its conversion along', () => {
    const t = translator();
    t.setHTTPRoute('shop/one', undefined);
    expect(t.reconcile().length).toBe(1);
    expect([...t.conversions().keys()]).toEqual(['HTTPRoute shop/two']);
  });

  test('Secrets are wanted where our listeners name them', () => {
    const t = translator();
    t.setGateway('infra/gw', { ...gateway, listeners: [{ ...gateway.listeners[0]!, protocol: 'HTTPS', port: 443, certificateRefs: [{ group: '', kind: 'Secret', name: 'tls', namespace: 'certs' }] }] });
    t.reconcile();
    expect([...t.secretNamespaces()]).toEqual(['certs']);
  });
});
