/**
 * Interleaved wrk rounds over sides that all run at once: round k asks each
 * side in turn (the order rotated every round, so no side always follows
 * the same one), over HTTP then HTTPS, and reads the serving haproxy's CPU
 * time from /proc around each run. Whatever else loads the machine during a
 * round loads the neighbouring runs of the other sides too.
 */
import { cpuSeconds, loadAverage } from '../scale/proc-stats.ts';
import { runWrkTargets, type WrkOptions } from '../scale/wrk.ts';
import type { Load, Side } from './sides.ts';

export type Scheme = 'http' | 'https';

export interface Sample {
  rps: number;
  requests: number;
  /** Wall seconds of the CPU window (wrk's run and its start). */
  seconds: number;
  /** The serving haproxy's user + system time over the window. */
  cpuSeconds: number;
  bad: number;
  /** A reload or a new worker during the run: not a fair figure, left out of the medians. */
  disturbed: boolean;
  load: string;
}

/** side name -> scheme -> one sample per round. */
export type Rounds = Map<string, Map<Scheme, Sample[]>>;

export async function measure(side: Side, load: Load, wrk: WrkOptions, dir: string): Promise<Sample> {
  const pid = side.servingPid();
  const reloads = await side.reloads();
  const cpu0 = pid === undefined ? Number.NaN : cpuSeconds(pid);
  const t0 = performance.now();
  const w = await runWrkTargets(dir, load.url, load.targets, wrk);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = pid === undefined ? Number.NaN : cpuSeconds(pid);
  const disturbed = side.servingPid() !== pid || (await side.reloads()) !== reloads;
  return { rps: w.rps, requests: w.requests, seconds, cpuSeconds: cpu1 - cpu0, bad: w.bad, disturbed, load: loadAverage() };
}

export async function interleave(sides: readonly Side[], rounds: number, wrk: WrkOptions, dir: string, log: (line: string) => void): Promise<Rounds> {
  const out: Rounds = new Map(sides.map((s) => [s.name, new Map<Scheme, Sample[]>()]));
  for (let k = 0; k < rounds; k++) {
    const order = [...sides.slice(k % sides.length), ...sides.slice(0, k % sides.length)];
    for (const side of order) {
      for (const [scheme, load] of [['http', side.http], ['https', side.https]] as const) {
        if (!load) continue;
        const sample = await measure(side, load, wrk, dir);
        const bySide = out.get(side.name) as Map<Scheme, Sample[]>;
        bySide.set(scheme, [...(bySide.get(scheme) ?? []), sample]);
        const us = (sample.cpuSeconds * 1e6) / sample.requests;
        log(`round ${k + 1}/${rounds} ${side.name} ${scheme}: ${sample.rps.toFixed(0)} requests/s, haproxy ${us.toFixed(1)} µs CPU per request${sample.bad ? `, ${sample.bad} bad` : ''}${sample.disturbed ? ', disturbed (reload)' : ''}; load ${sample.load}`);
      }
    }
  }
  return out;
}

/**
 * CPU per second each side's haproxy spends with no request coming (health
 * checks of its servers), over the same window for all sides.
 */
export async function idleCpu(sides: readonly Side[], seconds: number): Promise<Map<string, number>> {
  const pids = sides.map((s) => s.servingPid());
  const before = pids.map((p) => (p === undefined ? Number.NaN : cpuSeconds(p)));
  const t0 = performance.now();
  await Bun.sleep(seconds * 1000);
  const wall = (performance.now() - t0) / 1000;
  return new Map(sides.map((s, i) => [s.name, (cpuSeconds(pids[i] ?? -1) - (before[i] ?? Number.NaN)) / wall]));
}
