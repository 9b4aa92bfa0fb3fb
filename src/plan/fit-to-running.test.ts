import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import { byName } from '../domain/compare.ts';
import type { Route } from '../domain/route.ts';
import { fitToRunning } from './fit-to-running.ts';
import { planUpdate } from './plan.ts';

const model = (routes: Route[], spares = 2) =>
  buildConfigModel({
    routes,
    slices: [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.2'])],
    settings: settings({ sparesPerShape: spares }),
    allowAddress: () => true,
    defaultCertificate: '',
  });
const names = (m: ReturnType<typeof model>) => m.backends.map((b) => `${b.name}=${b.routeKey}`);

describe('fitToRunning', () => {
  const a = route({ name: 'a', host: 'a.com' });
  const b = route({ name: 'b', host: 'b.com', to: { kind: 'Service', name: 'b', weight: undefined } });

  test('a new route takes a free spare of its shape, and its map entries point there', () => {
    const applied = model([a]);
    const fitted = fitToRunning(applied, model([a, b]));
    expect(names(fitted)).toContain('be_http:_spare:1=default/b');
    expect(fitted.maps['os_http_be_prefix.map']).toContainEqual({ key: 'b.com/', value: 'be_http:_spare:1' });
    expect(planUpdate(applied, fitted).kind).toBe('runtime');
  });

  test('a backend the worker runs as it is stays the same object, and with no route moved so do the map entries', () => {
    const applied = model([a, b]);
    const next = { ...applied, backends: applied.backends.map((x) => (x.routeKey === 'default/b' ? { ...x, servers: [] } : x)) };
    const fitted = fitToRunning(applied, next);
    const ofA = (m: typeof applied) => m.backends.find((x) => x.routeKey === 'default/a');
    expect(ofA(fitted)).toBe(ofA(applied) as NonNullable<ReturnType<typeof ofA>>);
    expect(fitted.maps['os_http_be_prefix.map']).toBe(next.maps['os_http_be_prefix.map']);
    expect(fitted).toEqual({ ...next, checks: fitted.checks, certificates: fitted.certificates });
  });

  test("a route on a spare keeps the spare's cookie name and takes its own dynamic-cookie key", () => {
    const applied = model([a]);
    const fitted = fitToRunning(applied, model([a, b]));
    const spare = applied.backends.find((x) => x.name === 'be_http:_spare:1');
    const own = model([a, b]).backends.find((x) => x.routeKey === 'default/b');
    const held = fitted.backends.find((x) => x.routeKey === 'default/b');
    expect(held?.cookie).toEqual({ name: spare?.cookie?.name ?? '', key: own?.cookie?.key ?? '', secure: false, sameSite: 'None', named: false });
    expect(held?.cookie?.key).not.toBe(spare?.cookie?.key);
  });

  test('an edge route that allows plain HTTP takes a spare whose cookie is not secure', () => {
    const applied = model([]);
    const allow = route({ name: 'e', host: 'e.com', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Allow' }) });
    const fitted = fitToRunning(applied, model([allow]));
    expect(names(fitted)).toContain('be_edge_http:_spare_allow:1=default/e');
    expect(planUpdate(applied, fitted).kind).toBe('runtime');
  });

  test('a route keeps the spare it runs on at the next commit', () => {
    const applied = fitToRunning(model([a]), model([a, b]));
    const again = fitToRunning(applied, model([a, b]));
    expect(names(again)).toEqual(names(applied));
    expect(planUpdate(applied, again).kind).toBe('none');
  });

  test('a removed route leaves its backend in place, unreferenced, and that needs no reload', () => {
    const applied = model([a, b]);
    const fitted = fitToRunning(applied, model([a]));
    expect(names(fitted)).toContain('be_http:default:b=default/b');
    expect(fitted.maps['os_http_be_prefix.map'].map((e) => e.key)).toEqual(['a.com/']);
    expect(planUpdate(applied, fitted).kind).toBe('runtime');
  });

  test('a worker holding two backends for one route keeps both while the route is gone, and the later one serves it when it is back', () => {
    const both = model([a, b]);
    const ofB = both.backends.find((x) => x.routeKey === 'default/b') as (typeof both.backends)[number];
    const left = { ...ofB, name: 'be_http:default:b-left' };
    const applied = { ...both, backends: [...both.backends.filter((x) => x !== ofB), left, ofB] };
    expect(names(fitToRunning(applied, model([a])))).toEqual(expect.arrayContaining(['be_http:default:b-left=default/b', 'be_http:default:b=default/b']));
    const back = fitToRunning(applied, model([a, b]));
    expect(names(back)).toContain('be_http:default:b=default/b');
    expect(names(back)).not.toContain('be_http:default:b-left=default/b');
  });

  test('a route the worker runs on two backends, one of them as it is desired, is fitted onto the later one as ever', () => {
    const desired = model([a, b]);
    const ofB = desired.backends.find((x) => x.routeKey === 'default/b') as (typeof desired.backends)[number];
    const later = { ...ofB, name: 'be_http:default:b~later' };
    const applied = { ...desired, backends: [...desired.backends, later].sort(byName) };
    const fitted = fitToRunning(applied, desired);
    expect(names(fitted)).toContain('be_http:default:b~later=default/b');
    expect(names(fitted)).not.toContain('be_http:default:b=default/b');
    expect(fitted.maps['os_http_be_prefix.map']).toContainEqual({ key: 'b.com/', value: 'be_http:default:b~later' });
  });

  test("a removed reencrypt route's backend keeps the destination CA its server lines name", () => {
    const r = route({ name: 'r', host: 'r.com', to: { kind: 'Service', name: 'a', weight: undefined }, tls: routeTls('reencrypt', { destinationCACertificate: 'CA PEM' }) });
    const applied = model([a, r]);
    const fitted = fitToRunning(applied, model([a]));
    const caFile = fitted.backends.find((b) => b.routeKey === 'default/r')?.serverTls;
    expect(caFile).toMatchObject({ verify: 'required' });
    const named = caFile?.verify === 'required' ? caFile.caFile : '';
    expect(fitted.certificates.map((c) => `${settings().certDir}/${c.name}`)).toContain(named);
    expect(planUpdate(applied, fitted).kind).toBe('runtime');
  });

  test('without a spare of the shape the route keeps its own name, and the plan reloads', () => {
    const applied = model([a], 0);
    const edge = route({ name: 'e', host: 'e.com', tls: routeTls('edge') });
    const fitted = fitToRunning(applied, model([a, edge], 0));
    expect(names(fitted)).toContain('be_edge_http:default:e=default/e');
    expect(planUpdate(applied, fitted)).toMatchObject({ kind: 'reload', reasons: [{ code: 'backend-added' }] });
  });

  test('spares are shaped exactly like routes of their termination, with one service or alternate backends', () => {
    const applied = model([], 1);
    const alternates = { to: { kind: 'Service', name: 'a', weight: 3 }, alternateBackends: [{ kind: 'Service', name: 'b', weight: 1 }] };
    const shapes = [
      a,
      route({ name: 'e', host: 'e.com', tls: routeTls('edge') }),
      route({ name: 'p', host: 'p.com', tls: routeTls('passthrough') }),
      route({ name: 'ab', host: 'ab.com', ...alternates }),
      route({ name: 'eab', host: 'eab.com', tls: routeTls('edge', { insecureEdgeTerminationPolicy: 'Allow' }), ...alternates }),
      route({ name: 'pab', host: 'pab.com', tls: routeTls('passthrough'), ...alternates }),
    ];
    for (const r of shapes) expect(planUpdate(applied, fitToRunning(applied, model([r], 1))).kind).toBe('runtime');
    expect(names(fitToRunning(applied, model([shapes[3] as Route], 1)))).toContain('be_http:_spare_rr:1=default/ab');
  });

  test('reencrypt routes take reencrypt spares, whatever verifies their pods; a CA of their own is loaded first', () => {
    const applied = model([], 1);
    const ownCa = route({ name: 'ro', host: 'ro.com', to: { kind: 'Service', name: 'a', weight: undefined }, tls: routeTls('reencrypt', { destinationCACertificate: 'CA PEM' }) });
    const fitted = fitToRunning(applied, model([ownCa], 1));
    expect(names(fitted)).toContain('be_secure:_spare:1=default/ro');
    const plan = planUpdate(applied, fitted);
    expect(plan.kind === 'runtime' ? plan.commands.slice(0, 3).map((c) => c.kind) : plan).toEqual(['new-ssl-ca-file', 'set-ssl-ca-file', 'commit-ssl-ca-file']);
    const noCa = route({ name: 'rn', host: 'rn.com', tls: routeTls('reencrypt', { insecureEdgeTerminationPolicy: 'Allow' }) });
    expect(names(fitToRunning(applied, model([noCa], 1)))).toContain('be_secure:_spare_allow:1=default/rn');
  });

  test('with roundrobin as the configured balance, routes with one service and with alternates share one pool', () => {
    const rr = (routes: Route[]) =>
      buildConfigModel({ routes, slices: [], settings: settings({ sparesPerShape: 1, loadBalanceAlgorithm: 'roundrobin' }), allowAddress: () => true, defaultCertificate: '' });
    expect(rr([]).backends.filter((b) => b.name.startsWith('be_http:')).map((b) => b.name)).toEqual(['be_http:_spare:1']);
  });
});
