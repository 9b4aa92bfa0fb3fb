/**
 * The cost of one change at scale (issue #12), alone: the scale bench's mix
 * at one size, the router started and settled, then endpoint moves (and
 * optionally route adds) one at a time, each timed from the watch event
 * (the moment the fake API server, a process of its own, wrote it) to the
 * first answer from the new pod, with the router's CPU per change; beside
 * it, the time from the bench's request, and the hop between the two.
 *   bun run build && N=10000 MOVES=300 bun bench/moves.ts
 * Environment: N (routes, default 10000), MOVES (300), ADDS (0), OWN_CERTS
 * (1: each edge and reencrypt route added gets a certificate of its own),
 * ROUTER_BINARY
 * (default dist/router; several, comma-separated, run one after the other
 * in rounds: ROUNDS, default 1, the order alternating), PROFILE=<dir> (the
 * router from source under `bun --cpu-prof`; the moves' samples summarized
 * by bench/moves-profile.ts), LATENCIES=<path> (each run's move latencies,
 * from the watch event, one a line, in <path>.<round>.<binary>, and every
 * change in <path>.<round>.<binary>.changes as `<kind> <event written, ms
 * since the epoch> <latency from it, ms, or -> <request sent, ms since the
 * epoch> <what the probe asked for>`, which bench/commit-timeline.ts joins
 * with the router's log: run with
 * ROUTER_ARGS=--loglevel=debug and KEEP=1), ROUTER_ARGS, BUN_JSC_* and BUN_GC_* (passed to the router; ROUTER_BUN_<X> to the router alone, as BUN_<X>), and the pod settings
 * of bench/scale/settings.ts. The changes start once every route carries
 * the router's status and the router is idle. Prints the latencies, the
 * router's CPU per change, and that CPU by thread (moves, then adds). Loopback only; every
 * process is killed by PID.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { endpointMoves, routeAdds, type PhaseContext, type PhaseResult } from './scale/changes.ts';
import { installExitHandlers, killAll } from './scale/children.ts';
import { makeMixCertificates, startCluster } from './scale/cluster.ts';
import { openFileLimit } from './scale/file-limit.ts';
import { buildMix, seededRandom } from './scale/mix.ts';
import { startPods } from './scale/pod-fleet.ts';
import { cpuSeconds, loadAverage, untilIdle } from './scale/proc-stats.ts';
import { startRouter, untilListening } from './scale/router-run.ts';
import { readSettings } from './scale/settings.ts';

const log = (line: string) => console.error(`[moves ${new Date().toISOString().slice(11, 19)}] ${line}`);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** CPU ms (user + system) of each thread of a process so far, by thread name (numbers dropped: JSC's helper threads summed). */
function threadCpu(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+/g, '#');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The thread ended while we looked.
    }
  }
  return byName;
}

function threadDelta(before: Map<string, number>, after: Map<string, number>, changes: number): string {
  return [...after]
    .map(([name, ms]) => [name, (ms - (before.get(name) ?? 0)) / Math.max(1, changes)] as const)
    .filter(([, ms]) => ms >= 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
    .join(', ');
}

/** Each change as `<kind> <event written> <latency ms or -> <request sent> <subject>`: bench/commit-timeline.ts joins them with the router's log. */
const changeLines = (kind: string, r: PhaseResult) =>
  r.changes.map((c) => `${kind} ${c.writtenAt.toFixed(3)} ${c.ms === undefined ? '-' : c.ms.toFixed(2)} ${c.requestedAt.toFixed(3)} ${c.subject}\n`).join('');

const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? Number.NaN;

/** The request -> event hop, p50 / p99 / max, and the p99 of its part in the server's process (the store change and its watch writes). */
function hop(r: PhaseResult): string {
  const hops = r.changes.map((c) => c.writtenAt - c.requestedAt);
  const writes = r.changes.map((c) => c.writtenAt - c.receivedAt);
  return `${percentile(hops, 50).toFixed(2)} / ${percentile(hops, 99).toFixed(2)} / ${Math.max(...hops).toFixed(2)} (write ${percentile(writes, 99).toFixed(2)})`;
}

function row(label: string, r: PhaseResult): string {
  const xs = r.latencies;
  return `| ${label} | ${xs.length}/${r.attempted}${r.drawn ? ` (${r.drawn} drawn)` : ''} | ${percentile(xs, 50).toFixed(1)} | ${percentile(xs, 90).toFixed(1)} | ${percentile(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${percentile(r.fromRequest, 50).toFixed(1)} / ${percentile(r.fromRequest, 99).toFixed(1)} | ${hop(r)} | ${r.routerCpuMsPerChange.toFixed(2)} | ${r.reloads} |`;
}

installExitHandlers();
const settings = readSettings();
const routes = env('N', 10000);
const moves = env('MOVES', 300);
const adds = env('ADDS', 0);
const rounds = env('ROUNDS', 1);
const root = resolve(import.meta.dir, '..');
const binaries = (process.env.ROUTER_BINARY ?? join(root, 'dist/router')).split(',').map((b) => resolve(b));
const dir = mkdtempSync(join(tmpdir(), 'rmv-'));
const limit = openFileLimit(settings.nofile);
const lines: string[] = [];
/** Per run, the router's CPU ms per move by thread. */
const threads: string[] = [];
try {
  const { certs, pod } = makeMixCertificates();
  const pods = await startPods(dir, { processes: settings.podProcesses, httpPods: settings.httpPods, tlsPods: settings.tlsPods, tls: pod });
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? binaries : [...binaries].reverse();
    for (const binary of order) {
      const mix = buildMix({ routes, namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))), httpPods: pods.http, tlsPods: pods.tls, maxPodsPerService: settings.maxPodsPerService, seed: settings.seed });
      const cluster = await startCluster();
      await cluster.api.loadMix(mix, certs);
      const runDir = join(dir, `r${round}-${binaries.indexOf(binary)}`);
      const run = await startRouter({ api: cluster.access, dir: runDir, limitPrefix: limit.prefix, profileDir: settings.profileDir, extraArgs: settings.routerArgs, binary });
      try {
        const first = await untilListening(run, settings.startTimeoutMs);
        if (first === undefined) throw new Error(`${binary} did not serve`);
        // The start's status writes (one per route) are done before the changes begin: their CPU is not the changes'.
        while ((await cluster.api.statusWrites()) < routes) await Bun.sleep(200);
        await untilIdle(run.proc.pid, settings.startTimeoutMs);
        const load = loadAverage();
        const ctx: PhaseContext = { api: cluster.api, run, mix, certs, pods, random: seededRandom(settings.seed + routes + round), changeDeadlineMs: settings.changeDeadlineMs, ownCertAdds: settings.ownCertAdds };
        // The profile's window: from here to the end of the changes (bench/moves-profile.ts takes it from the log).
        log(`changes start at ${(performance.now() - run.spawnedAt).toFixed(0)} ms after spawn (router CPU ${cpuSeconds(run.proc.pid).toFixed(2)} s)`);
        const threadsBefore = threadCpu(run.proc.pid);
        const moved = await endpointMoves(ctx, moves, settings.phaseBudgetMs);
        const label = `${binary.replace(`${root}/`, '')} round ${round + 1}, load ${load}`;
        lines.push(row(`${label}: moves`, moved));
        threads.push(`${label}: ${threadDelta(threadsBefore, threadCpu(run.proc.pid), moved.attempted)}`);
        const prefix = process.env.LATENCIES && `${process.env.LATENCIES}.${round}.${binaries.indexOf(binary)}`;
        if (prefix) writeFileSync(prefix, moved.latencies.map((ms) => ms.toFixed(2)).join('\n'));
        const changes = [changeLines('move', moved)];
        if (adds > 0) {
          const addThreadsBefore = threadCpu(run.proc.pid);
          const added = await routeAdds(ctx, routes, adds, settings.phaseBudgetMs);
          lines.push(row(`${label}: adds`, added));
          threads.push(`${label}, adds: ${threadDelta(addThreadsBefore, threadCpu(run.proc.pid), added.attempted)}`);
          changes.push(changeLines('add', added));
        }
        if (prefix) writeFileSync(`${prefix}.changes`, `${changes.join('')}`);
        if (prefix) log(`router log of ${prefix}: ${run.logFile} (KEEP=1 keeps it)`);
        log(`changes end at ${(performance.now() - run.spawnedAt).toFixed(0)} ms after spawn`);
        log(lines.slice(-1)[0] ?? '');
      } finally {
        await run.stop();
        await cluster.stop();
      }
    }
  }
  await pods.stop();
  console.log(`${routes} routes, ${new Date().toISOString()}\n\nLatencies from the watch event; "from request": from the bench's API request; "hop": request -> event written (of it, "write": the server's store change and watch writes, p99).\n\n| run | served/attempted | p50 ms | p90 ms | p99 ms | max ms | from request p50 / p99 ms | hop p50 / p99 / max ms | router CPU ms per change | reloads |\n|---|---|---|---|---|---|---|---|---|---|\n${lines.join('\n')}\n\nRouter CPU ms per change by thread:\n${threads.map((t) => `- ${t}`).join('\n')}`);
} finally {
  killAll();
  if (process.env.KEEP) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
