import { expect, test } from 'bun:test';
import { buildMix } from '../scale/mix.ts';
import { targetsOf } from './targets.ts';

const mix = buildMix({ routes: 200, namespaces: 5, httpPods: [30000, 30001, 30002], tlsPods: [40000], maxPodsPerService: 2, seed: 1 });

test.each([
  [5, 5, 5],
  [1000, 100, 50],
])('%i per scheme over 200 routes: %i over HTTP, %i over HTTPS', (perScheme, http, https) => {
  const t = targetsOf(mix, perScheme);
  expect(t.http.length).toBe(http);
  expect(t.https.length).toBe(https);
});

test('path routes are asked for under their path, the rest under /', () => {
  const t = targetsOf(mix, 1000);
  const byHost = new Map(mix.routes.map((r) => [r.host, r]));
  for (const target of [...t.http, ...t.https]) {
    const route = byHost.get(target.host);
    expect(target.prefix).toBe(route?.path ? `${route.path}/` : '/');
    expect(['plain', 'path', 'edge']).toContain(route?.kind ?? '');
  }
  expect(t.http.some((x) => x.prefix !== '/')).toBe(true);
  expect(new Set(t.https.map((x) => byHost.get(x.host)?.kind))).toEqual(new Set(['edge']));
});
