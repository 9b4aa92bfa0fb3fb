import { describe, expect, test } from 'bun:test';
import { buildMix, kindOf, routeAt, type Kind, type MixOptions } from './mix.ts';

const options = (routes: number, extra: Partial<MixOptions> = {}): MixOptions => ({
  routes,
  namespaces: 10,
  httpPods: Array.from({ length: 50 }, (_, i) => 30000 + i),
  tlsPods: Array.from({ length: 10 }, (_, i) => 40000 + i),
  maxPodsPerService: 3,
  seed: 1,
  ...extra,
});

describe('buildMix', () => {
  test('the same seed builds the same cluster, another seed another one', () => {
    expect(buildMix(options(200))).toEqual(buildMix(options(200)));
    expect(buildMix(options(200, { seed: 2 }))).not.toEqual(buildMix(options(200)));
  });

  test.each([
    ['plain', 8],
    ['path', 2],
    ['edge', 5],
    ['reencrypt', 2],
    ['passthrough', 3],
  ] as [Kind, number][])('%s routes are %i in 20', (kind, per20) => {
    const mix = buildMix(options(2000));
    expect(mix.routes.filter((r) => r.kind === kind).length).toBe(per20 * 100);
  });

  test('every route points at a service of its own namespace whose pods speak what the route needs', () => {
    const mix = buildMix(options(500));
    for (const r of mix.routes) {
      expect(r.namespace).toBe(r.service.namespace);
      expect(r.service.tls).toBe(r.kind === 'reencrypt' || r.kind === 'passthrough');
      expect(mix.services).toContain(r.service);
    }
  });

  test.each([1, 2, 3])('services have 1 to %i distinct pods, from the right pool', (max) => {
    const opts = options(1000, { maxPodsPerService: max });
    const mix = buildMix(opts);
    const counts = new Set<number>();
    for (const s of mix.services) {
      counts.add(s.pods.length);
      expect(new Set(s.pods).size).toBe(s.pods.length);
      for (const p of s.pods) expect(s.tls ? opts.tlsPods : opts.httpPods).toContain(p);
    }
    expect([...counts].sort()).toEqual(Array.from({ length: max }, (_, i) => i + 1));
  });

  test('services are shared: more routes than services, some services with several routes', () => {
    const mix = buildMix(options(1000));
    const perService = new Map<string, number>();
    for (const r of mix.routes) perService.set(r.service.name, (perService.get(r.service.name) ?? 0) + 1);
    expect(mix.services.length).toBeLessThan(mix.routes.length);
    expect(Math.max(...perService.values())).toBeGreaterThanOrEqual(3);
  });
});

describe('routeAt', () => {
  test.each([
    [0, 'plain', undefined, undefined],
    [6, 'path', '/v0', undefined],
    [1, 'edge', undefined, 'None'],
    [21, 'edge', undefined, 'Redirect'],
    [41, 'edge', undefined, 'Allow'],
    [7, 'reencrypt', undefined, 'None'],
    [3, 'passthrough', undefined, undefined],
  ] as const)('route %i is %s (path %s, policy %s), with a unique host', (index, kind, path, policy) => {
    const service = { namespace: 'ns1', name: 'hs1', tls: false, pods: [1] };
    const route = routeAt(index, () => service);
    expect(kindOf(index)).toBe(kind);
    expect({ kind: route.kind, path: route.path, policy: route.policy, host: route.host }).toEqual({ kind, path, policy, host: `r${index}.bench.test` });
  });
});
