import { describe, expect, test } from 'bun:test';
import type { Gateway, Listener } from '../domain/gateway.ts';
import type { IngressSecret } from '../domain/ingress.ts';
import { makeCA, makeLeaf } from '../../test/support/certs.ts';
import { evaluateListeners, type SecretLookup } from './listeners.ts';

const listener = (l: Partial<Listener>): Listener => ({
  name: 'l', hostname: '', port: 80, protocol: 'HTTP', tlsMode: undefined, certificateRefs: [], namespaces: { from: 'Same' }, kinds: [], ...l,
});
const gateway = (name: string, listeners: Listener[]): Gateway => ({
  namespace: 'infra', name, uid: name, creationTimestamp: '', generation: 1, className: 'router', listeners, addresses: [],
});
const leaf = makeLeaf(makeCA('listeners-test'), { dnsNames: ['a.example.com'] });
const SECRET: IngressSecret = { namespace: 'infra', name: 'tls', type: 'kubernetes.io/tls', data: { 'tls.crt': leaf.cert, 'tls.key': leaf.key }, undecodable: [] };
const secrets: SecretLookup = (ns, name) => (ns === 'infra' && name === 'tls' ? SECRET : name === 'pending' ? 'pending' : undefined);

function judge(listeners: Listener[]) {
  const states = evaluateListeners([gateway('gw', listeners)], { httpPort: 80, httpsPort: 443, secret: secrets, grants: () => [] }).get('infra/gw') ?? [];
  return states.map((s) => s.conditions.filter((c) => c.status !== (c.type === 'Conflicted' ? 'False' : 'True')).map((c) => `${c.type}=${c.status}/${c.reason}`).join() || 'ok');
}

describe('evaluateListeners', () => {
  test.each([
    ['HTTP on the HTTP port', listener({}), 'ok'],
    ['HTTP on another port', listener({ port: 8080 }), 'Accepted=False/PortUnavailable,Programmed=False/Invalid'],
    ['HTTPS with its Secret', listener({ protocol: 'HTTPS', port: 443, tlsMode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'tls', namespace: undefined }] }), 'ok'],
    ['HTTPS without a certificateRef', listener({ protocol: 'HTTPS', port: 443 }), 'ResolvedRefs=False/InvalidCertificateRef,Programmed=False/Invalid'],
    ['HTTPS with a missing Secret', listener({ protocol: 'HTTPS', port: 443, certificateRefs: [{ group: '', kind: 'Secret', name: 'gone', namespace: undefined }] }), 'ResolvedRefs=False/InvalidCertificateRef,Programmed=False/Invalid'],
    ['HTTPS with a Secret of another namespace, ungranted', listener({ protocol: 'HTTPS', port: 443, certificateRefs: [{ group: '', kind: 'Secret', name: 'tls', namespace: 'other' }] }), 'ResolvedRefs=False/RefNotPermitted,Programmed=False/Invalid'],
    // Not judged yet: the status writer writes no Gateway status while a listener's Secret is being read.
    ['HTTPS whose Secret is being read', listener({ protocol: 'HTTPS', port: 443, certificateRefs: [{ group: '', kind: 'Secret', name: 'pending', namespace: undefined }] }), 'ok'],
    ['HTTPS passing through', listener({ protocol: 'HTTPS', port: 443, tlsMode: 'Passthrough' }), 'Accepted=False/UnsupportedValue,Programmed=False/Invalid'],
    ['TLS passthrough', listener({ protocol: 'TLS', port: 443, tlsMode: 'Passthrough' }), 'ok'],
    ['TLS terminated', listener({ protocol: 'TLS', port: 443, tlsMode: 'Terminate' }), 'Accepted=False/UnsupportedValue,Programmed=False/Invalid'],
    ['UDP', listener({ protocol: 'UDP' }), 'Accepted=False/UnsupportedProtocol,Programmed=False/Invalid'],
    ['an invalid host name', listener({ hostname: 'a_b.example.com' }), 'Accepted=False/UnsupportedValue,Programmed=False/Invalid'],
    ['a kind it cannot serve', listener({ kinds: [{ group: 'gateway.networking.k8s.io', kind: 'GRPCRoute' }] }), 'ResolvedRefs=False/InvalidRouteKinds,Programmed=False/Invalid'],
  ])('%s', (_name, l, want) => expect(judge([l])).toEqual([want]));

  test('the same port and host name: the first listener keeps it; a repeated name is not accepted', () => {
    expect(judge([listener({ name: 'a', hostname: 'x.example.com' }), listener({ name: 'b', hostname: 'x.example.com' }), listener({ name: 'a', hostname: 'y.example.com' })])).toEqual([
      'ok',
      'Programmed=False/Invalid,Conflicted=True/HostnameConflict',
      'Accepted=False/UnsupportedValue,Programmed=False/Invalid',
    ]);
  });

  test('across Gateways the first (older) keeps the port and host name', () => {
    const states = evaluateListeners([gateway('old', [listener({ hostname: 'x.example.com' })]), gateway('new', [listener({ hostname: 'x.example.com', protocol: 'HTTPS', port: 80 })])], {
      httpPort: 80, httpsPort: 80, secret: secrets, grants: () => [],
    });
    expect([states.get('infra/old')?.[0]?.usable, states.get('infra/new')?.[0]?.usable]).toEqual([true, false]);
    expect(states.get('infra/new')?.[0]?.conditions.find((c) => c.type === 'Conflicted')?.reason).toBe('ProtocolConflict');
  });
});
