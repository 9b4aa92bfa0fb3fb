import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeJson, routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let a: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  a = startBackend('a');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await a.stop();
});

/** Collections once idle, in order, and a promise for the next. */
function collections() {
  const at: number[] = [];
  let waiting: (() => void) | undefined;
  return {
    at,
    collect() {
      at.push(performance.now());
      waiting?.();
    },
    next: () => new Promise<void>((resolve) => (waiting = resolve)),
  };
}

describe('a full collection once the router is idle after a full commit', () => {
  test('after the start and after a reload, each once, while haproxy keeps serving', async () => {
    const c = collections();
    const first = c.next();
    t = await startTestRouter({
      manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com', service: 'r' }), 'r-eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) },
      collectWhenIdle: () => c.collect(),
    });
    await first;
    expect(c.at).toHaveLength(1);
    expect((await t.get('r.example.com')).backend).toBe('a');

    const second = c.next();
    // A new balance is a backend line: a reload.
    await t.write('r.yaml', routeJson({ name: 'r', host: 'r.example.com', service: 'r', annotations: { 'haproxy.router.openshift.io/balance': 'leastconn' } }));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    await second;
    expect(c.at).toHaveLength(2);
    expect((await t.get('r.example.com')).backend).toBe('a');
  }, 30_000);
});
