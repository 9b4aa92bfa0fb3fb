import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { isCheckBackendName } from '../../src/domain/names.ts';
import { createRuntimeClient } from '../../src/haproxy/runtime-api/runtime-client.ts';
import type { ServerRuntimeState } from '../../src/haproxy/runtime-api/servers-state.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let pods: Record<'a' | 'b' | 'c' | 'd', TestBackend>;
/** A port nothing listens on: a pod that fails every check. */
let deadPort: number;
let t: TestRouter | undefined;

beforeAll(async () => {
  pods = { a: startBackend('a'), b: startBackend('b'), c: startBackend('c'), d: startBackend('d') };
  [deadPort] = await freePortPair();
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await Promise.all(Object.values(pods).map((p) => p.stop()));
});

/** Route `name` to its own service, whose one slice holds these pods (ports on 127.0.0.1). */
const app = (name: string, ports: number[]) => ({ [`${name}.yaml`]: `${routeYaml({ name, host: `${name}.example.com` })}---\n${sliceYaml({ service: name, ports })}` });

async function servers(tr: TestRouter, backend: string): Promise<ServerRuntimeState[]> {
  return createRuntimeClient(join(tr.workingDir, 'run', 'haproxy.sock')).showServersState(backend);
}

async function checkSlots(tr: TestRouter): Promise<ServerRuntimeState[]> {
  return (await createRuntimeClient(join(tr.workingDir, 'run', 'haproxy.sock')).showServersState()).filter((s) => isCheckBackendName(s.backend));
}

/** The check slots pointing at `port` (a slot given back keeps its last address, with its check off). */
async function checksOf(tr: TestRouter, port: number): Promise<ServerRuntimeState[]> {
  return (await checkSlots(tr)).filter((s) => s.port === port && s.healthCheck === 'enabled');
}

/** Checks run on haproxy's clock and report nothing: this polls until `cond` holds. */
async function until(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (await cond()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Which pods answer `requests` requests for a host (new connection each). */
async function spread(tr: TestRouter, host: string, requests = 20): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < requests; i++) {
    const res = await tr.get(host);
    const key = res.backend ?? String(res.status);
    seen[key] = (seen[key] ?? 0) + 1;
  }
  return seen;
}

describe('one health check per pod', () => {
  test('routes sharing a pod share its one check; when it fails, the pod leaves every route that uses it', async () => {
    const { a, b, c } = pods;
    t = await startTestRouter({
      env: { ROUTER_BACKEND_CHECK_INTERVAL: '100ms' },
      manifests: { ...app('one', [a.port, b.port]), ...app('two', [a.port, c.port]), ...app('lone', [a.port]), ...app('alone', [deadPort]) },
    });
    // Pod a serves three routes and is checked once; two of them can fail over, so its check runs.
    expect((await checksOf(t, a.port)).length).toBe(1);
    for (const port of [b.port, c.port]) expect((await checksOf(t, port)).length).toBe(1);
    // A pod only a one-endpoint route uses is not checked (upstream's rule): never marked down.
    const alone = (await checkSlots(t)).filter((s) => s.port === deadPort);
    expect(alone.map((s) => [s.healthCheck, s.operState])).toEqual([['disabled', 2]]);
    expect(Object.keys(await spread(t, 'one.example.com')).sort()).toEqual(['a', 'b']);

    await a.stop();
    await until("pod a's check to fail", async () => (await checksOf(t as TestRouter, a.port))[0]?.operState === 0);
    expect(await spread(t, 'one.example.com')).toEqual({ b: 20 });
    expect(await spread(t, 'two.example.com')).toEqual({ c: 20 });
    // A one-endpoint route whose pod another route checks follows that check.
    expect((await servers(t, 'be_http:default:lone')).map((s) => s.operState)).toEqual([0]);
    expect((await servers(t, 'be_http:default:alone')).map((s) => s.operState)).toEqual([2]);
    expect(t.router.reloadCounts.size).toBe(0);
    pods.a = startBackend('a');
  });

  test('a pod appearing in, then leaving, several routes at once goes live without a reload, with one check', async () => {
    const { b, c, d } = pods;
    t = await startTestRouter({ manifests: { ...app('one', [b.port]), ...app('two', [c.port]) } });
    const pids = (await t.router.supervisor.procState())?.workerPids;

    await t.write('one.yaml', Object.values(app('one', [b.port, d.port]))[0] as string);
    await t.write('two.yaml', Object.values(app('two', [c.port, d.port]))[0] as string);
    expect(t.router.lastCommit()?.result).toBe('runtime');
    expect((await checksOf(t, d.port)).length).toBe(1);
    expect(Object.keys(await spread(t, 'one.example.com')).sort()).toEqual(['b', 'd']);
    expect(Object.keys(await spread(t, 'two.example.com')).sort()).toEqual(['c', 'd']);

    await t.write('one.yaml', Object.values(app('one', [b.port]))[0] as string);
    expect((await checksOf(t, d.port)).length).toBe(1);
    await t.write('two.yaml', Object.values(app('two', [c.port]))[0] as string);
    expect(t.router.lastCommit()?.result).toBe('runtime');
    // Its slot is given back: the check stops, ready for the next pod.
    expect(await checksOf(t, d.port)).toEqual([]);
    expect(await spread(t, 'two.example.com')).toEqual({ c: 20 });
    expect(t.router.reloadCounts.size).toBe(0);
    expect((await t.router.supervisor.procState())?.workerPids).toEqual(pids);
  });
});
