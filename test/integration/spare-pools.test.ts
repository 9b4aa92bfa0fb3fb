import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let pod: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  pod = startBackend('pod');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await pod.stop();
});

const plain = (name: string) => routeYaml({ name, host: `${name}.example.com`, service: 'app' });

describe('spare pools sized from the routes a load serves', () => {
  test('started with 12 plain routes and a pool size of 1 (a spare per 4 routes), it takes 3 adds of their shape without a reload; the 4th reloads', async () => {
    const routes = Array.from({ length: 12 }, (_, i) => plain(`r${i}`)).join('---\n');
    t = await startTestRouter({ args: ['--blueprint-route-pool-size=1'], manifests: { 'routes.yaml': routes, 'eps.yaml': sliceYaml({ service: 'app', ports: [pod.port] }) } });
    const workers = (await t.router.supervisor.procState())?.workerPids;
    for (const name of ['n1', 'n2', 'n3']) {
      await t.write(`${name}.yaml`, plain(name));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      expect((await t.get(`${name}.example.com`)).backend).toBe('pod');
    }
    expect(t.router.reloadCounts.size).toBe(0);
    expect((await t.router.supervisor.procState())?.workerPids).toEqual(workers);

    await t.write('n4.yaml', plain('n4'));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(t.router.lastCommit()?.reloadReasons?.map((r) => r.code)).toContain('backend-added');
    expect((await t.get('n4.example.com')).backend).toBe('pod');
  }, 30_000);
});
