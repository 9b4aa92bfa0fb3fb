import { afterAll, afterEach, beforeAll, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
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

/** Enough routes that 64 threads (a host with many CPUs) cost a load over a second more than 4 (thread-cost.ts). */
const ROUTES = 1_700;

test('a host with many CPUs, ROUTER_THREADS unset and many routes: a warning naming the setting, once serving', async () => {
  const routes = Array.from({ length: ROUTES }, (_, i) => routeYaml({ name: `r${i}`, host: `r${i}.example.com`, service: 's' })).join('---\n');
  t = await startTestRouter({ manifests: { 'routes.yaml': routes, 's-eps.yaml': sliceYaml({ service: 's', ports: [a.port] }) }, cpus: () => 96 });
  expect(t.logs.find((r) => r.msg.startsWith('using haproxy'))?.msg).toEndWith(', 64 threads (one per CPU, 64 at most; ROUTER_THREADS unset)');
  const warning = await t.waitForLog((r) => r.level === 'warn' && r.msg.includes('ROUTER_THREADS'));
  expect(warning.msg).toContain(`haproxy runs 64 threads (one per CPU, 64 at most: ROUTER_THREADS is unset)`);
  expect(warning.msg).toContain(`all ${ROUTES} routes' backends once per thread`);
  expect((await t.get('r7.example.com')).backend).toBe('a');
}, 60_000);
