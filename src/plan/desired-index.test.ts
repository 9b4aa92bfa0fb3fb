import { describe, expect, test } from 'bun:test';
import { admissionSettings, createRoute } from '../../test/support/admission.ts';
import { settings as configSettings, slice } from '../../test/support/fixtures.ts';
import { admitRoutes } from '../admission/admit-routes.ts';
import type { CertificateFile } from '../config/model.ts';
import { defaultCaFile, type ContributionContext, type RouteContribution } from '../config/route-contribution.ts';
import { endpointSelector } from '../config/route-servers.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { DesiredIndex } from './desired-index.ts';

const ctx: ContributionContext = { settings: configSettings(), endpoints: endpointSelector(() => true, false), defaultCa: defaultCaFile('-----DEFAULT CA-----\n') };

/** A PEM as each parsed route brings it: equal text, a string of its own. */
const copyOf = (text: string) => [...text].join('');

function admitted(...specs: [name: string, tls: { termination: string; certificate?: string; destinationCACertificate?: string }][]): Map<string, AdmittedRoute> {
  const routes = specs.map(([name, tls], i) =>
    createRoute(name, { age: i, tls: { key: copyOf('-----KEY-----'), certificate: copyOf(tls.certificate ?? ''), destinationCACertificate: copyOf(tls.destinationCACertificate ?? ''), termination: tls.termination } }),
  );
  return new Map(admitRoutes(routes, admissionSettings()).admitted.map((r) => [`${r.namespace}/${r.name}`, r]));
}

describe('DesiredIndex keeps one copy of each certificate file', () => {
  test('routes serving the same certificate, or verifying with the same CA, share its file', () => {
    const index = new DesiredIndex(ctx);
    index.update(
      admitted(
        ['a', { termination: 'edge', certificate: '-----CERT A-----' }],
        ['b', { termination: 'reencrypt', certificate: '-----CERT A-----', destinationCACertificate: '-----CA-----' }],
        ['c', { termination: 'reencrypt', certificate: '-----CERT C-----', destinationCACertificate: '-----CA-----' }],
      ),
      new Map(),
    );
    const [a, b, c] = ['default/a', 'default/b', 'default/c'].map((k) => index.contribution(k) as RouteContribution);
    const servedA = a?.serving?.file as CertificateFile;
    const caOf = (x: RouteContribution | undefined) => x?.certificates.find((f) => f.name.startsWith('destca-'));
    expect(b?.serving?.file).toBe(servedA);
    expect(b?.certificates).toContain(servedA);
    expect(caOf(c)).toBe(caOf(b) as CertificateFile);
    expect(c?.serving?.file).not.toBe(servedA);
    expect(index.model('DEFAULT').certificates.map((f) => f.name).sort()).toEqual([servedA.name, c?.serving?.file.name ?? '', caOf(c)?.name ?? ''].sort());
  });

  test('a file stays with the routes that still use it when the route that brought it leaves', () => {
    const index = new DesiredIndex(ctx);
    const both = admitted(['a', { termination: 'edge', certificate: '-----CERT A-----' }], ['b', { termination: 'edge', certificate: '-----CERT A-----' }]);
    index.update(both, new Map());
    const file = index.contribution('default/a')?.serving?.file as CertificateFile;
    index.update(new Map([['default/a', undefined]]), new Map());
    expect(index.contribution('default/b')?.serving?.file).toBe(file);
    expect(index.model('DEFAULT').certificates).toEqual([file]);
    // A route coming back takes the file still held, not its own copy.
    index.update(new Map([['default/a', both.get('default/a')]]), new Map());
    expect(index.contribution('default/a')?.serving?.file).toBe(file);
  });
});

describe('DesiredIndex.model', () => {
  test('given admission its routes oldest first, it builds the model it sorts for itself', () => {
    const index = new DesiredIndex(ctx);
    // Added youngest first, so the index holds them in the opposite of age order.
    const routes = [3, 1, 2, 0].map((age) => createRoute(`r${age}`, { age, host: `h${age % 2}.example.com`, path: `/p${age}` }));
    const decided = admitRoutes(routes, admissionSettings());
    index.update(new Map(decided.admitted.map((r) => [`${r.namespace}/${r.name}`, r])), new Map());
    expect(decided.admitted.map((r) => r.name)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(index.model('DEFAULT', decided.admitted)).toEqual(index.model('DEFAULT'));
    expect(index.model('DEFAULT').backends.map((b) => b.name)).toEqual(decided.admitted.map((r) => `be_http:default:${r.name}`));
  });
});

describe('DesiredIndex.update names the map keys and SNIs a change touches', () => {
  const key = 'default/a';
  const edge = (spec: Parameters<typeof createRoute>[1] = {}) => {
    const r = createRoute('a', { to: { kind: 'Service', name: 'svc', weight: 100 }, tls: { termination: 'edge', key: '-----KEY-----', certificate: '-----CERT-----' }, ...spec });
    return new Map([[key, admitRoutes([r], admissionSettings()).admitted[0] as AdmittedRoute]]);
  };
  const start = () => {
    const index = new DesiredIndex(ctx);
    index.update(edge(), new Map([['default/svc-abc', slice('svc', ['10.0.0.1'])]]));
    return index;
  };

  test('an endpoint change names the route but none of its map keys or SNIs: their winners and lines stay', () => {
    const change = start().update(new Map(), new Map([['default/svc-abc', slice('svc', ['10.0.0.2'])]]));
    expect([...change.routes.keys()]).toEqual([key]);
    expect(change.routes.get(key)?.after?.backend.servers.map((s) => s.ip)).toEqual(['10.0.0.2']);
    expect({ mapIds: [...change.mapIds], snis: [...change.snis] }).toEqual({ mapIds: [], snis: [] });
  });

  test.each<[string, Parameters<typeof createRoute>[1]]>([
    ['a new host', { host: 'b.example.com' }],
    ['a route made again (new uid)', { uid: 'uid-new' }],
    ['a route made again (new creation time)', { age: 5 }],
  ])('%s names its map keys and SNIs, before and after', (_, spec) => {
    const change = start().update(edge(spec), new Map());
    expect(change.mapIds.size).toBeGreaterThan(0);
    expect(change.snis.size).toBeGreaterThan(0);
  });
});

describe('DesiredIndex files slices under their services', () => {
  const route = (name: string, service: string) => createRoute(name, { to: { kind: 'Service', name: service, weight: 100 } });
  const routes = () => new Map(admitRoutes([route('a', 'svc'), route('b', 'other')], admissionSettings()).admitted.map((r) => [`${r.namespace}/${r.name}`, r as AdmittedRoute]));
  const ips = (index: DesiredIndex, name: string) => index.model('DEFAULT').backends.find((b) => b.name === `be_http:default:${name}`)?.servers.map((s) => s.ip);
  const sl = (service: string, name: string, ip: string) => slice(service, [ip], { name });
  // Servers come in the order of their slices' names (n < x < y < z), not in the order the slices came.

  test.each<[string, [string, ReturnType<typeof slice> | undefined][], string[], string[], string[]]>([
    ['a slice replaced', [['default/x', sl('svc', 'x', '10.0.0.9')]], ['default/svc'], ['10.0.0.9', '10.0.0.2'], ['10.0.0.3']],
    ['a slice gone', [['default/x', undefined]], ['default/svc'], ['10.0.0.2'], ['10.0.0.3']],
    ['the last slice of a service gone', [['default/z', undefined]], ['default/other'], ['10.0.0.1', '10.0.0.2'], []],
    ['a slice that moves to another service', [['default/x', sl('other', 'x', '10.0.0.7')]], ['default/svc', 'default/other'], ['10.0.0.2'], ['10.0.0.7', '10.0.0.3']],
    ['a new slice', [['default/n', sl('svc', 'n', '10.0.0.5')]], ['default/svc'], ['10.0.0.5', '10.0.0.1', '10.0.0.2'], ['10.0.0.3']],
  ])('%s', (_, changes, touched, svc, other) => {
    const index = new DesiredIndex(ctx);
    index.update(routes(), new Map([['default/x', sl('svc', 'x', '10.0.0.1')], ['default/y', sl('svc', 'y', '10.0.0.2')], ['default/z', sl('other', 'z', '10.0.0.3')]]));
    const change = index.update(new Map(), new Map(changes));
    expect([...change.routes.keys()].sort()).toEqual(touched.map((s) => (s === 'default/svc' ? 'default/a' : 'default/b')).sort());
    expect(ips(index, 'a')).toEqual(svc);
    expect(ips(index, 'b')).toEqual(other);
  });
});
