/**
 * Process start to first answer (issue #12), builds side by side: each
 * build of the router in turn, round after round, on the scale bench's mix
 * and a fresh fake API server per start, without pod processes (the first
 * answer is haproxy's 503 for an unknown host; every route is in the
 * configuration haproxy binds with). Prints one JSON line per start: time
 * and router CPU (user + system, every thread) when haproxy was spawned
 * (the router's part of the start) and at the first answer, haproxy's CPU
 * then (its system part apart: on the test VM, where the spread of starts
 * comes from), the JS thread's and the live threads' CPU (threads that already
 * ended, some JIT workers, count in the total only), time and CPU once the
 * router counts the first commit done (the worker checked: ready), the load
 * average, and the start timeline the router logs at debug level.
 *   bun run build && BINARIES=/tmp/before,dist/router N=10000 ROUNDS=3 bun bench/start-time.ts
 * PROFILE=<dir> runs src/main.ts under `bun --cpu-prof --heap-prof` instead (one build, one round).
 * TMPDIR (default /tmp) holds each start's directory; on this test host /tmp
 * is an ext4 without a journal, where creating a file after many deletions
 * scans past the recently deleted inodes (BENCHMARKS.md, "The start's file
 * writes on this host"): TMPDIR=/dev/shm takes the host's file system out.
 * KEEP=1 keeps each start's directory (its router.log: the commit timeline with --loglevel=debug) and prints its path.
 * Every process it starts is killed by PID at the end.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { haproxyPids, installExitHandlers, killAll } from './scale/children.ts';
import { makeMixCertificates, startCluster } from './scale/cluster.ts';
import { podlessMix } from './scale/mix.ts';
import { cpuSeconds, loadAverage } from './scale/proc-stats.ts';
import { startRouter, untilListening } from './scale/router-run.ts';

const N = Number(process.env.N ?? 10000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const binaries = (process.env.BINARIES ?? 'dist/router').split(',').map((b) => resolve(b));
/** CPU and heap profiles of src/main.ts under bun instead of the builds (router-run.ts). */
const profileDir = process.env.PROFILE || undefined;
const keep = process.env.KEEP === '1';

/** CPU seconds of the process's threads, summed by thread name. */
function threadCpu(pid: number): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    byName[name] = Math.round(((byName[name] ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100) * 100) / 100;
  }
  return byName;
}

/** System CPU seconds of a process (haproxy's include clearing the pages it faults in: BENCHMARKS.md, "The 10,000-route start's spread"). */
function systemSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[12]) / 100;
}

/** CPU seconds of the process's main thread: the JS thread. */
function mainThreadCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Time and CPU of a timeline step, e.g. `haproxy spawned (2412 ms after the process started, 2.52 s of CPU)`. */
function step(lines: readonly string[], prefix: string): { ms: number; cpuS: number } | undefined {
  const m = /\((\d+) ms after the process started, ([\d.]+) s of CPU\)$/.exec(lines.find((l) => l.startsWith(prefix)) ?? '');
  return m ? { ms: Number(m[1]), cpuS: Number(m[2]) } : undefined;
}

/** The `start` tag's debug lines, without the JSON around them. */
function timeline(logFile: string): string[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"tag":"start"'))
    .map((l) => String((JSON.parse(l) as { msg?: unknown }).msg));
}

installExitHandlers();
const mix = podlessMix(N);
const { certs } = makeMixCertificates();
try {
  for (let round = 0; round < ROUNDS; round++) {
    // Rotated, so neither build always runs first after the other's teardown.
    const order = binaries.map((_, i) => binaries[(i + round) % binaries.length] as string);
    for (const binary of order) {
      const cluster = await startCluster();
      await cluster.api.loadMix(mix, certs);
      const dir = mkdtempSync(join(tmpdir(), 'start-time-'));
      const loadBefore = loadAverage();
      const run = await startRouter({ api: cluster.access, dir, limitPrefix: [], binary, profileDir, extraArgs: ['--loglevel=debug'] });
      try {
        const firstAnswerMs = await untilListening(run, 900_000);
        const routerCpuS = cpuSeconds(run.proc.pid);
        const threads = threadCpu(run.proc.pid);
        const jsThreadS = mainThreadCpu(run.proc.pid);
        const haproxyCpuS = haproxyPids(run.runDir).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
        const haproxySystemS = haproxyPids(run.runDir).reduce((sum, pid) => sum + systemSeconds(pid), 0);
        // The first commit's line comes once the router counts haproxy started and its worker checked: ready.
        const readyBy = performance.now() + 120_000;
        while (!timeline(run.logFile).some((l) => l.startsWith('first commit')) && performance.now() < readyBy) await Bun.sleep(20);
        const readyMs = performance.now() - run.spawnedAt;
        const routerCpuReadyS = cpuSeconds(run.proc.pid);
        const lines = timeline(run.logFile);
        console.log(
          JSON.stringify({
            binary,
            routes: N,
            round,
            loadBefore,
            haproxySpawned: step(lines, 'haproxy spawned'),
            firstAnswerMs: firstAnswerMs && Math.round(firstAnswerMs),
            routerCpuS,
            readyMs: Math.round(readyMs),
            routerCpuReadyS,
            jsThreadS,
            threads,
            haproxyCpuS: Math.round(haproxyCpuS * 100) / 100,
            haproxySystemS: Math.round(haproxySystemS * 100) / 100,
            ...(keep ? { dir } : {}),
            timeline: lines,
          }),
        );
      } finally {
        await run.stop();
        await cluster.stop();
        if (!keep) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  killAll();
}
