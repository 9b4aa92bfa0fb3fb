/**
 * The router's memory at one size, in figures that do not move from run to
 * run the way RSS does: the scale bench's mix at N routes, the router
 * started and settled (every status written, idle, then IDLE_S seconds more
 * so its idle collection ran), optionally MOVES endpoint moves and ADDS
 * route adds, then stopped. A preload hook in the router (BUN_OPTIONS) reads,
 * as the stop begins: RSS, then `bun:jsc` heapStats (live heap, the heap's
 * capacity, memory outside its cells); runs one full collection; reads them
 * again, and once more 3 s later. The live heap after the collection is
 * what the router keeps; capacity over it is the heap's free space; RSS
 * after it is what the process holds.
 *   bun run build && N=10000 bun bench/heap.ts
 * Environment: N (routes, default 10000), MOVES, ADDS (default 0),
 * ROUTER_BINARY (default dist/router; several, comma-separated, run in turn,
 * ROUNDS rounds, the order alternating), IDLE_S (default 3), SNAPSHOT=1 (a
 * V8-format heap snapshot after the collection, kept with KEEP=1), and the pod
 * settings of bench/scale/settings.ts. Loopback only; every process is
 * killed by PID.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { endpointMoves, routeAdds, type PhaseContext } from './scale/changes.ts';
import { installExitHandlers, killAll } from './scale/children.ts';
import { makeMixCertificates, startCluster } from './scale/cluster.ts';
import { openFileLimit } from './scale/file-limit.ts';
import { buildMix, seededRandom } from './scale/mix.ts';
import { startPods } from './scale/pod-fleet.ts';
import { loadAverage, untilIdle, untilIdleFor } from './scale/proc-stats.ts';
import { startRouter, untilListening } from './scale/router-run.ts';
import { readSettings } from './scale/settings.ts';

const log = (line: string) => console.error(`[heap ${new Date().toISOString().slice(11, 19)}] ${line}`);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** What the hook reads at each point. */
interface Reading {
  rssMiB: number;
  /** RSS in anonymous memory, file pages (the executable's code among them) and shared memory (the log ring). */
  anonMiB: number;
  fileMiB: number;
  shmemMiB: number;
  heapMB: number;
  capacityMB: number;
  extraMB: number;
  objects: number;
  collectionMs?: number;
}

const hookText = (out: string, snapshot: boolean) => `
import { heapStats } from 'bun:jsc';
import { readFileSync, writeFileSync } from 'node:fs';
const status = (field) => Number(new RegExp(field + ':\\\\s+(\\\\d+)').exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
const read = () => { const h = heapStats(); return { rssMiB: status('VmRSS'), anonMiB: status('RssAnon'), fileMiB: status('RssFile'), shmemMiB: status('RssShmem'), heapMB: h.heapSize / 1e6, capacityMB: h.heapCapacity / 1e6, extraMB: h.extraMemorySize / 1e6, objects: h.objectCount }; };
process.on('SIGTERM', () => {
  const stopped = read();
  const t0 = performance.now();
  Bun.gc(true);
  const collected = { ...read(), collectionMs: performance.now() - t0 };
  if (${snapshot}) writeFileSync(${JSON.stringify(out)} + '/heap-' + process.pid + '.heapsnapshot', Bun.generateHeapSnapshot('v8'));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
  writeFileSync(${JSON.stringify(out)} + '/heap-' + process.pid + '.json', JSON.stringify({ stopped, collected, later: read() }));
});
`;

installExitHandlers();
const settings = readSettings();
const routes = env('N', 10000);
const moves = env('MOVES', 0);
const adds = env('ADDS', 0);
const rounds = env('ROUNDS', 1);
const idleS = env('IDLE_S', 3);
const root = resolve(import.meta.dir, '..');
const binaries = (process.env.ROUTER_BINARY ?? join(root, 'dist/router')).split(',').map((b) => resolve(b));
const dir = mkdtempSync(join(tmpdir(), 'rheap-'));
const hook = join(dir, 'hook.ts');
writeFileSync(hook, hookText(dir, process.env.SNAPSHOT === '1'));
// The router gets BUN_<X> from ROUTER_BUN_<X> (bench/scale/router-run.ts).
process.env.ROUTER_BUN_OPTIONS = `${process.env.ROUTER_BUN_OPTIONS ?? ''} --preload ${hook}`.trim();
const limit = openFileLimit(settings.nofile);
const rows: string[] = [];
const f = (n: number) => n.toFixed(1);
try {
  const { certs, pod } = makeMixCertificates();
  const pods = await startPods(dir, { processes: settings.podProcesses, httpPods: settings.httpPods, tlsPods: settings.tlsPods, tls: pod });
  for (let round = 0; round < rounds; round++) {
    for (const binary of round % 2 === 0 ? binaries : [...binaries].reverse()) {
      const mix = buildMix({ routes, namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))), httpPods: pods.http, tlsPods: pods.tls, maxPodsPerService: settings.maxPodsPerService, seed: settings.seed });
      const cluster = await startCluster();
      await cluster.api.loadMix(mix, certs);
      const run = await startRouter({ api: cluster.access, dir: join(dir, `r${round}-${binaries.indexOf(binary)}`), limitPrefix: limit.prefix, extraArgs: settings.routerArgs, binary });
      try {
        if ((await untilListening(run, settings.startTimeoutMs)) === undefined) throw new Error(`${binary} did not serve`);
        while ((await cluster.api.statusWrites()) < routes) await Bun.sleep(200);
        await untilIdle(run.proc.pid, settings.startTimeoutMs);
        await untilIdleFor(run.proc.pid, idleS, settings.startTimeoutMs);
        const ctx: PhaseContext = { api: cluster.api, run, mix, certs, pods, random: seededRandom(settings.seed + routes + round), changeDeadlineMs: settings.changeDeadlineMs, ownCertAdds: settings.ownCertAdds };
        if (moves > 0) await endpointMoves(ctx, moves, settings.phaseBudgetMs);
        if (adds > 0) await routeAdds(ctx, routes, adds, settings.phaseBudgetMs);
        if (moves + adds > 0) await untilIdleFor(run.proc.pid, idleS, settings.startTimeoutMs);
        const load = loadAverage();
        await run.stop();
        const readings = JSON.parse(readFileSync(join(dir, `heap-${run.proc.pid}.json`), 'utf8')) as Record<'stopped' | 'collected' | 'later', Reading>;
        const { stopped, collected, later } = readings;
        rows.push(`| ${binary.replace(`${root}/`, '')}, round ${round + 1}, load ${load} | ${f(stopped.rssMiB)} / ${f(later.rssMiB)} | ${f(later.anonMiB)} / ${f(later.fileMiB)} / ${f(later.shmemMiB)} | ${f(stopped.heapMB)} / ${f(collected.heapMB)} | ${f(collected.capacityMB)} | ${f(collected.extraMB)} | ${collected.objects} | ${f(collected.collectionMs ?? Number.NaN)} |`);
        log(rows.at(-1) ?? '');
      } finally {
        await run.stop();
        await cluster.stop();
      }
    }
  }
  await pods.stop();
  console.log(
    `${routes} routes${moves + adds > 0 ? `, after ${moves} moves and ${adds} adds` : ''}, ${new Date().toISOString()}\n\n| run | RSS when stopped / after a full collection and 3 s, MiB | the latter: anonymous / file / shared, MiB | live heap when stopped / after the collection, MB | heap capacity after it, MB | outside the cells after it, MB | cells after it | the collection, ms |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}`,
  );
} finally {
  killAll();
  if (process.env.KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
