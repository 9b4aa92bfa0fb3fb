import { describe, expect, test } from 'bun:test';
import { admissionSettings, createRoute } from '../../test/support/admission.ts';
import { prng } from '../../test/support/hostile-routes.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { AdmissionIndex } from './admission-index.ts';
import { admitRoutes, type TlsValidator } from './admit-routes.ts';
import type { Rejection } from './rejection.ts';
import type { AdmissionSettings } from './settings.ts';

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

/** A small world so that routes collide a lot: few hosts, namespaces, paths and domains, some wildcards, some broken. */
function randomRoute(rand: () => number, name: string): Route {
  const domain = pick(rand, ['a.example.com', 'b.example.com', 'example.com']);
  const wildcard = rand() < 0.15;
  return createRoute(`${pick(rand, ['ns1', 'ns2', 'ns3'])}/${name}`, {
    host: pick(rand, [`www.${domain}`, `shop.${domain}`, `x.${domain}`, '', 'Bad_Host.example.com']),
    // Resolved against --router-domain and a hostname template where the settings have them.
    subdomain: pick(rand, ['', '', '', 'www', 'shop']),
    path: pick(rand, ['', '', '/api', '/api/v2', '/bad path']),
    age: Math.floor(rand() * 20),
    tls: rand() < 0.25 ? pick(rand, ['edge', 'passthrough', 'reencrypt']) : undefined,
    wildcardPolicy: wildcard ? 'Subdomain' : 'None',
    annotations: rand() < 0.1 ? { 'haproxy.router.openshift.io/timeout': '5s' } : {},
  });
}

/** Rejects certificates of routes whose name ends in 7, so later stages reject after the host stages claimed. */
const validateTls: TlsValidator = (route) => (route.name.endsWith('7') ? { ok: false, message: 'bad key' } : { ok: true });

/** `resultEvery`: how often the verdicts are read (the index patches the admitted routes' order it gave last). */
function scenario(seed: number, settings: AdmissionSettings, steps: number, resultEvery = 1): void {
  const rand = prng(seed);
  const index = new AdmissionIndex(settings, validateTls);
  const routes = new Map<string, Route>();
  let held = new Map<string, Rejection>();
  for (let step = 0; step < steps; step++) {
    const upserts: Route[] = [];
    const removals: string[] = [];
    const batch = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < batch; i++) {
      const name = `r${Math.floor(rand() * 40)}`;
      const existing = [...routes.keys()].find((k) => k.endsWith(`/${name}`));
      if (existing && rand() < 0.3) {
        routes.delete(existing);
        removals.push(existing);
        continue;
      }
      const route = randomRoute(rand, name);
      if (existing && existing !== objectKey(route)) {
        routes.delete(existing);
        removals.push(existing);
      }
      routes.set(objectKey(route), route);
      upserts.push(route);
    }
    if (rand() < 0.2) {
      held = new Map(held);
      const key = pick(rand, [...routes.keys(), 'none/none']);
      if (held.has(key)) held.delete(key);
      else held.set(key, { reason: 'ExtendedValidationFailed', message: 'haproxy refused it' });
    }
    index.update(
      upserts.filter((r) => routes.get(objectKey(r)) === r),
      removals.filter((k) => !routes.has(k)),
      held,
    );
    if (step % resultEvery !== 0) continue;
    const full = admitRoutes(routes.values(), settings, validateTls, held);
    const incremental = index.result();
    expect({ step, admitted: incremental.admitted.map(objectKey) }).toEqual({ step, admitted: full.admitted.map(objectKey) });
    expect({ step, rejected: [...incremental.rejected].sort() }).toEqual({ step, rejected: [...full.rejected].sort() });
    expect({ step, notices: [...incremental.notices].sort() }).toEqual({ step, notices: [...full.notices].sort() });
    // The live views say the same.
    const views = index.views;
    expect([...views.admitted.keys()].sort()).toEqual(full.admitted.map(objectKey).sort());
    expect([...views.rejected].sort()).toEqual([...full.rejected].sort());
    expect([...views.notices].sort()).toEqual([...full.notices].sort());
  }
}

describe('AdmissionIndex gives the verdicts of a full admission after every change', () => {
  test.each([1, 2, 3, 4, 5])('seed %i, wildcards allowed', (seed) => scenario(seed, admissionSettings({ allowWildcardRoutes: true }), 600));
  test.each([6, 7])('seed %i, wildcards not allowed', (seed) => scenario(seed, admissionSettings(), 600));
  test.each([8, 9])('seed %i, namespace ownership check off', (seed) => scenario(seed, admissionSettings({ allowWildcardRoutes: true, disableNamespaceOwnershipCheck: true }), 600));
  test.each([[10, 3], [11, 10], [12, 40]])('seed %i, verdicts read every %i changes', (seed, every) => scenario(seed, admissionSettings({ allowWildcardRoutes: true }), 600, every));
  test.each([13, 14])('seed %i, hosts from subdomains and a hostname template', (seed) =>
    scenario(seed, admissionSettings({ allowWildcardRoutes: true, routerDomain: 'a.example.com', hostnameTemplate: '${name}.b.example.com', overrideDomains: ['example.com'] }), 600),
  );
});

describe('AdmissionIndex work', () => {
  test('a change re-admits only its own host when its domain has no wildcard route (and checks only the certificate that changed)', () => {
    const settings = admissionSettings({ allowWildcardRoutes: true });
    const seen: string[] = [];
    const index = new AdmissionIndex(settings, (route) => {
      seen.push(route.name);
      return { ok: true };
    });
    const routes = Array.from({ length: 100 }, (_, i) => createRoute(`ns/r${i}`, { host: `h${i}.apps.example.com`, tls: 'edge', age: i }));
    index.update(routes, [], new Map());
    seen.length = 0;
    const changed = index.update([createRoute('ns/r5', { host: 'h5.apps.example.com', tls: 'reencrypt', age: 5 })], [], new Map());
    expect(seen).toEqual(['r5']);
    expect([...changed.changed]).toEqual(['ns/r5']);
  });

  test('a domain with a wildcard route is re-admitted as one', () => {
    const settings = admissionSettings({ allowWildcardRoutes: true });
    const index = new AdmissionIndex(settings, undefined);
    index.update([createRoute('b/plain', { host: 'shop.example.com', age: 2 })], [], new Map());
    const changed = index.update([createRoute('a/wild', { host: 'www.example.com', age: 1, wildcardPolicy: 'Subdomain' })], [], new Map());
    expect([...changed.changed].sort()).toEqual(['a/wild', 'b/plain']);
    expect(index.verdict('b/plain')).toEqual({ rejected: { reason: 'HostAlreadyClaimed', message: 'a route in another namespace holds host shop.example.com' } });
  });

  test('an admitted route whose verdict did not change keeps its object', () => {
    const index = new AdmissionIndex(admissionSettings(), undefined);
    // With options, admission makes the admitted object anew each time it decides.
    const options = { annotations: { 'haproxy.router.openshift.io/timeout': '5s' } };
    index.update([createRoute('ns/a', { host: 'x.example.com', age: 1, ...options }), createRoute('ns/b', { host: 'x.example.com', path: '/b', age: 2 })], [], new Map());
    const before = index.views.admitted.get('ns/a');
    const changed = index.update([createRoute('ns/b', { host: 'x.example.com', path: '/c', age: 2 })], [], new Map());
    expect([...changed.changed]).toEqual(['ns/b']);
    expect(before).toBeDefined();
    expect(index.views.admitted.get('ns/a')).toBe(before);
  });
});
