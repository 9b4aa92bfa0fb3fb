import { expect, test } from 'bun:test';
import { moveProbeRoute } from './changes.ts';
import { buildMix } from './mix.ts';

test("a move is probed through a route of the service that takes a cookie; a passthrough-only service's through itself", () => {
  const mix = buildMix({ routes: 400, namespaces: 10, httpPods: Array.from({ length: 50 }, (_, i) => 30000 + i), tlsPods: Array.from({ length: 10 }, (_, i) => 40000 + i), maxPodsPerService: 3, seed: 1 });
  const passthrough = mix.routes.filter((r) => r.kind === 'passthrough');
  expect(passthrough.length).toBeGreaterThan(0);
  let viaSibling = 0;
  for (const route of mix.routes) {
    const probed = moveProbeRoute(route, mix.routes);
    expect(probed.service).toBe(route.service);
    if (route.kind !== 'passthrough') expect(probed).toBe(route);
    else if (probed !== route) {
      expect(probed.kind).not.toBe('passthrough');
      viaSibling++;
    } else expect(mix.routes.some((r) => r.service === route.service && r.kind !== 'passthrough')).toBe(false);
  }
  expect(viaSibling).toBeGreaterThan(0);
});
