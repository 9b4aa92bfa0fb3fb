import { describe, expect, test } from 'bun:test';
import { admissionSettings, createRoute } from '../../test/support/admission.ts';
import { settings as configSettings, slice } from '../../test/support/fixtures.ts';
import { prng } from '../../test/support/hostile-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { DesiredState } from './desired-state.ts';

const NO_HELD = new Map<string, Rejection>();

function desiredState(): DesiredState {
  return new DesiredState({
    admission: admissionSettings({ allowWildcardRoutes: true }),
    validateTls: undefined,
    settings: configSettings(),
    fdLimit: undefined,
    allowAddress: () => true,
    includeUdpEndpoints: false,
    defaultCertificate: () => '-----DEFAULT-----',
    defaultDestinationCa: () => undefined,
  });
}

const sliceMap = (slices: readonly EndpointSlice[]) => new Map(slices.map((s) => [`${s.namespace}/${s.name}`, s]));

/** The routes admitted page by page as the first list delivers them, then one update with the slices. */
function pageByPage(pages: readonly Route[][], slices: readonly EndpointSlice[]) {
  const state = desiredState();
  for (const page of pages) state.admit({ upserts: page, removals: [] });
  const step = state.update({ routes: { upserts: [], removals: [] }, slices: sliceMap(slices), held: NO_HELD });
  return { state, step };
}

/** Every route in one update, as a start without pages admits them. */
function oneShot(routes: readonly Route[], slices: readonly EndpointSlice[]) {
  const state = desiredState();
  const step = state.update({ routes: { upserts: routes, removals: [] }, slices: sliceMap(slices), held: NO_HELD });
  return { state, step };
}

/** What a commit reads of the state: the verdicts, the whole desired model, and the routes the step says changed. */
function outcome(run: { state: DesiredState; step: ReturnType<DesiredState['update']> }) {
  const { admitted, rejected, notices } = run.state.views;
  const full = run.state.full(NO_HELD);
  return {
    admitted: [...admitted.keys()].sort(),
    rejected: Object.fromEntries([...rejected].sort(([a], [b]) => a.localeCompare(b))),
    notices: Object.fromEntries(notices),
    model: full.model,
    verdictsChanged: [...run.step.verdicts].sort(),
    contributions: [...run.step.change.routes.keys()].sort(),
  };
}

describe('routes admitted ahead, page by page, come to what one admission of them all gives', () => {
  test('a route admitted from an early page loses its host to an older route from a later page', () => {
    const newer = createRoute('ns-b/newer', { host: 'www.example.com', age: 20, to: { kind: 'Service', name: 'b', weight: 1 } });
    const older = createRoute('ns-a/older', { host: 'www.example.com', age: 10, to: { kind: 'Service', name: 'a', weight: 1 } });
    const slices = [slice('a', ['10.0.0.1'], { namespace: 'ns-a' }), slice('b', ['10.0.0.2'], { namespace: 'ns-b' })];
    const paged = pageByPage([[newer], [older]], slices);
    expect(paged.state.views.admitted.has('ns-a/older')).toBe(true);
    expect(paged.state.views.rejected.get('ns-b/newer')?.reason).toBe('HostAlreadyClaimed');
    expect(outcome(paged)).toEqual(outcome(oneShot([newer, older], slices)));
  });

  test('a wildcard from a later page claims the domain a plain route of an early page held in another namespace', () => {
    const plain = createRoute('ns-b/plain', { host: 'www.example.com', age: 20 });
    const wildcard = createRoute('ns-a/wild', { host: 'any.example.com', wildcardPolicy: 'Subdomain', age: 10 });
    const paged = pageByPage([[plain], [wildcard]], []);
    expect(paged.state.views.rejected.has('ns-b/plain')).toBe(true);
    expect(outcome(paged)).toEqual(outcome(oneShot([plain, wildcard], [])));
  });

  test('a route deleted between pages is served by neither', () => {
    const state = desiredState();
    const gone = createRoute('ns/gone', { host: 'www.example.com', age: 1 });
    const other = createRoute('ns/other', { host: 'www.example.com', path: '/x', age: 2 });
    state.admit({ upserts: [gone, other], removals: [] });
    state.admit({ upserts: [], removals: ['ns/gone'] });
    const step = state.update({ routes: { upserts: [], removals: [] }, slices: new Map(), held: NO_HELD });
    // The route that came and went is reported as changed too: observers look again at a key that has no verdict.
    expect({ ...outcome({ state, step }), verdictsChanged: [] }).toEqual({ ...outcome(oneShot([other], [])), verdictsChanged: [] });
    expect([...step.verdicts].sort()).toEqual(['ns/gone', 'ns/other']);
  });

  // Hosts, namespaces and ages drawn from a small world so that routes collide on hosts, paths and wildcard domains.
  test.each([1, 2, 3, 4, 5, 6, 7, 8])('random pages, seed %i', (seed) => {
    const rand = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
    const routes = Array.from({ length: 120 }, (_, i) =>
      createRoute(`${pick(['ns1', 'ns2', 'ns3'])}/r${i}`, {
        host: pick(['www.a.example.com', 'shop.a.example.com', 'www.b.example.com', `r${i}.b.example.com`, 'x.c.example.com']),
        path: pick(['', '', '/api', '/api/v2']),
        age: Math.floor(rand() * 40),
        wildcardPolicy: rand() < 0.1 ? 'Subdomain' : 'None',
        to: { kind: 'Service', name: pick(['s1', 's2', 's3']), weight: 1 },
      }),
    );
    const slices = ['ns1', 'ns2', 'ns3'].flatMap((ns) => ['s1', 's2'].map((s, i) => slice(s, [`10.0.${i}.1`, `10.0.${i}.2`], { namespace: ns })));
    const pages: Route[][] = [];
    for (let at = 0; at < routes.length; ) {
      const size = 1 + Math.floor(rand() * 30);
      pages.push(routes.slice(at, at + size));
      at += size;
    }
    const paged = pageByPage(pages, slices);
    const once = oneShot(routes, slices);
    expect(outcome(paged)).toEqual(outcome(once));
    expect(paged.state.views.admitted.size).toBeGreaterThan(0);
    expect(paged.state.views.rejected.size).toBeGreaterThan(0);
    expect(new Set(paged.step.change.routes.keys())).toEqual(new Set(routes.map(objectKey).filter((k) => paged.state.views.admitted.has(k))));
  });
});
