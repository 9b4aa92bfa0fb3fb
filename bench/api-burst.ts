/**
 * A burst of endpoint updates through the API source:
 *   bun run bench:burst
 * The fake API server (bench/fake-api-process.ts, its own process) serves
 * ROUTES Routes and EndpointSlices (default 10,000); this process runs the
 * API source into a RouterState, as the router does, and then, BURSTS times
 * (default 5), has every slice move to new addresses in one burst and
 * measures the time until all of them are in the state, the sink batches it
 * took, and this process's RSS before, at its peak during, and 1, 5 and 10 s
 * after. ROUTER=1 runs the whole router instead (in-process, with haproxy on
 * loopback ports): the time then runs until the commit that carries the
 * last update has finished, and commits are counted.
 * SRC names another checkout's src/ to measure (before/after figures).
 * Prints Markdown for BENCHMARKS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResourceEvent, Source, SourceSink } from '../src/domain/events.ts';
import { startBenchRouter } from './burst-router.ts';

/** The src/ directory to load (another checkout's, for before/after figures). */
const src = resolve(process.env.SRC ?? join(import.meta.dir, '../src'));
const { createLogger } = (await import(join(src, 'log.ts'))) as typeof import('../src/log.ts');
const { connectKube } = (await import(join(src, 'sources/kube/connect.ts'))) as typeof import('../src/sources/kube/connect.ts');
const { RouterState } = (await import(join(src, 'state/router-state.ts'))) as typeof import('../src/state/router-state.ts');

const ROUTES = Number(process.env.ROUTES ?? 10_000);
const BURSTS = Number(process.env.BURSTS ?? 5);
const WITH_ROUTER = process.env.ROUTER === '1';

function status(field: string): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
  return Math.round(Number(/(\d+)/.exec(line)?.[1] ?? Number.NaN) / 1024);
}
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const api = Bun.spawn(['bun', join(import.meta.dir, 'fake-api-process.ts')], {
  env: { ...process.env, ROUTES: String(ROUTES) },
  stdin: 'pipe',
  stdout: 'pipe',
  stderr: 'inherit',
});
const lines = (async function* () {
  let buffered = '';
  for await (const chunk of api.stdout) {
    buffered += new TextDecoder().decode(chunk);
    for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
      yield JSON.parse(buffered.slice(0, nl)) as { url?: string; sent?: number };
      buffered = buffered.slice(nl + 1);
    }
  }
})();
const { url } = (await lines.next()).value ?? {};
if (!url) throw new Error('the fake API server did not start');

/** Watches the sink: how many slices carry the current round's address, and in how many batches they came. */
const progress = { round: 0, moved: new Set<string>(), batches: 0, done: undefined as (() => void) | undefined };
function observe(events: readonly ResourceEvent[]): void {
  progress.batches++;
  for (const e of events) {
    if (e.kind !== 'EndpointSlice' || e.type !== 'upsert') continue;
    if (e.object.addresses[0]?.ip.startsWith(`10.${progress.round % 256}.`)) progress.moved.add(`${e.object.namespace}/${e.object.name}`);
  }
  if (progress.moved.size === ROUTES) progress.done?.();
}

const logger = createLogger({ format: 'json', level: 'warn' });
const kube = connectKube(
  { kind: 'kubernetes', connection: { server: url }, namespace: undefined, routeLabels: undefined, routeFields: undefined, namespaceLabels: undefined, projectLabels: undefined, watchEndpoints: false, allowLoopbackEndpoints: true, allowHostEndpoints: true, endpointCidrs: [], externalCertificates: true },
  {},
  logger,
);
const observed: Source = {
  start: (sink: SourceSink) => kube.source.start({ apply: (events) => (observe(events), sink.apply(events)), held: (kind, key) => sink.held(kind, key), synced: () => sink.synced() }),
  stop: () => kube.source.stop(),
};
const state = new RouterState();
const started = performance.now();
const router = WITH_ROUTER ? await startBenchRouter(src, observed, logger) : undefined;
if (!router) await observed.start({ apply: (events) => void state.apply(events), held: (kind, key) => state.held(kind, key), synced() {} });
const syncMs = performance.now() - started;

const rows: string[] = [];
let firstBefore = 0;
let lastAfter = 0;
for (let round = 1; round <= BURSTS; round++) {
  await sleep(2000);
  const before = status('VmRSS');
  firstBefore ||= before;
  progress.round = round;
  progress.moved = new Set();
  progress.batches = 0;
  const applied = new Promise<void>((resolve) => (progress.done = resolve));
  const commitsBefore = router?.commits() ?? 0;
  resetPeak();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  api.stdin.write(`burst ${round}\n`);
  api.stdin.flush();
  await applied;
  const appliedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await router?.flush();
  const committedMs = performance.now() - t0;
  const peak = status('VmHWM');
  const after: number[] = [];
  for (const wait of [1000, 4000, 5000]) {
    await sleep(wait);
    after.push(status('VmRSS'));
  }
  const commits = router ? String(router.commits() - commitsBefore) : '-';
  lastAfter = after[2] ?? 0;
  rows.push(`| ${round} | ${appliedMs.toFixed(0)} (${cpuMs.toFixed(0)}) | ${router ? committedMs.toFixed(0) : '-'} | ${progress.batches} | ${commits} | ${before} | ${peak} | ${after.join(' / ')} | ${(((after[2] ?? 0) - before) / before * 100).toFixed(1)}% |`);
}

console.log(`${ROUTES} routes and slices; ${WITH_ROUTER ? 'whole router (haproxy on loopback)' : 'API source into RouterState'}; synced in ${syncMs.toFixed(0)} ms\n`);
console.log('| burst | all applied, ms (this process\'s CPU ms) | committed, ms | sink batches | commits | RSS before, MiB | peak during | 1 s / 5 s / 10 s after | after 10 s vs before |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(`\nRSS 10 s after the last burst: ${lastAfter} MiB, ${(((lastAfter - firstBefore) / firstBefore) * 100).toFixed(1)}% over the ${firstBefore} MiB before the first.`);
await router?.stop();
await observed.stop();
api.kill();
await api.exited;
