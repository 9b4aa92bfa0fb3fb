/**
 * One full collection once the router goes quiet after a commit that
 * rendered every file (the start, a reload), or after a burst of changes.
 * Either leaves tens to hundreds of MB of garbage (lists, renders, plans,
 * status writes), and JavaScriptCore collects fully only when the heap
 * grows again: a router that then sits idle, as most do between changes,
 * kept it resident for good (after a start at 10,000 routes 23 MB of
 * 255 MB RSS, at 100,000 150 MB of 1,344: BENCHMARKS.md). The collection
 * stops the event loop (80 ms at 10,000 routes, about a second at
 * 100,000), so it waits until no commit has run and the JS thread has been
 * idle for a while: a change arriving then is what it may delay, once per
 * full commit or burst, never one in a stream of changes.
 */
import { readFileSync } from 'node:fs';

export interface IdleCollectionDeps {
  /** A full, synchronous collection. */
  collect: () => void;
  /**
   * A young-generation collection, from the start's load until the first
   * collection ran: when that becomes owed, and at each sample that is not
   * quiet (the thread busy, or a commit under way), MAX_NUDGES at most.
   * The start's load is followed by bursts that allocate and drop tens of
   * MB before the router goes quiet (haproxy's lines about every server,
   * status writes for every route); JavaScriptCore let the heap grow into
   * new blocks for them, and keeps every block a survivor is left in, so
   * the heap's capacity for good was that peak. Not after: during a stream
   * of changes (a reload's sequential adds) the same collections promoted
   * what was in flight and doubled the router's CPU per change
   * (BENCHMARKS.md).
   */
  nudge?: () => void;
  /** CPU time of the JS thread so far, ms; undefined: not known (then only the time since `owe` counts). */
  threadCpuMs: () => number | undefined;
  /** Runs `tick` every `ms` until the returned stop is called (an unref'd timer in the router). */
  every: (ms: number, tick: () => void) => () => void;
  /** Whether a commit is under way (a reload waits idle for haproxy's load, and changes during it must not wait for a collection). */
  busy?: () => boolean;
  /** After a collection, with what it took. */
  collected?: (ms: number) => void;
  now?: () => number;
}

/** A commit whose garbage a collection is owed for: one that rendered and loaded every file. */
export const rendersEverything = (outcome: { result: string }): boolean => outcome.result === 'started' || outcome.result === 'reloaded';

/** How often the JS thread's CPU is sampled while a collection is owed. */
export const IDLE_SAMPLE_MS = 500;
/** Samples in a row the thread must stay under IDLE_CPU_SHARE before the collection runs. */
export const IDLE_SAMPLES = 3;
/** The share of a sample's wall time the thread may be busy and still count as idle. */
export const IDLE_CPU_SHARE = 0.05;
/**
 * Commits of any kind after which a collection is owed too: a burst of
 * changes leaves garbage as a start does (2,000 endpoint moves at 10,000
 * routes, 127 MB, which JavaScriptCore had not collected 3 s after them).
 */
export const COMMITS_OWING_COLLECTION = 500;
/** The most young collections asked for (nudge): 20 s of busy samples, longer than a 10,000-route start's bursts, and an end to them for a router that a stream of changes never lets go quiet. */
export const MAX_NUDGES = 40;


export interface IdleCollection {
  /** A whole configuration was rendered (its load begins, or a commit that loaded one ended): collect once the router is quiet. */
  owe(): void;
  /**
   * Any other commit: the quiet samples start again. A trickle of changes
   * costs the JS thread little CPU, and one arriving during the collection
   * would wait for it (at 100,000 routes, a second): a router that commits
   * every second or so is left to the engine's own collections. The
   * COMMITS_OWING_COLLECTION-th commit since the last collection owes one.
   */
  activity(): void;
  stop(): void;
}

export function idleCollection(deps: IdleCollectionDeps): IdleCollection {
  const now = deps.now ?? (() => performance.now());
  let stopSampling: (() => void) | undefined;
  let lastCpu: number | undefined;
  let quiet = 0;
  let commits = 0;
  let stopped = false;
  /** The first collection ran: no more nudges. */
  let collectedOnce = false;
  let nudges = 0;
  const nudge = () => {
    if (collectedOnce || nudges >= MAX_NUDGES) return;
    nudges += 1;
    deps.nudge?.();
  };

  const tick = () => {
    const cpu = deps.threadCpuMs();
    const busy = cpu === undefined || lastCpu === undefined ? 0 : cpu - lastCpu;
    lastCpu = cpu;
    quiet = busy <= IDLE_SAMPLE_MS * IDLE_CPU_SHARE && !deps.busy?.() ? quiet + 1 : 0;
    if (quiet === 0) nudge();
    if (quiet < IDLE_SAMPLES) return;
    stopSampling?.();
    stopSampling = undefined;
    commits = 0;
    collectedOnce = true;
    const t0 = now();
    deps.collect();
    deps.collected?.(now() - t0);
  };

  const restart = () => {
    quiet = 0;
    lastCpu = deps.threadCpuMs();
  };

  const owe = () => {
    if (stopped) return;
    nudge();
    restart();
    stopSampling ??= deps.every(IDLE_SAMPLE_MS, tick);
  };

  return {
    owe,
    activity() {
      if (++commits >= COMMITS_OWING_COLLECTION) owe();
      else if (stopSampling) restart();
    },
    stop() {
      stopped = true;
      stopSampling?.();
      stopSampling = undefined;
    },
  };
}

/** The calling thread's user + system CPU, ms, from /proc (Linux); undefined elsewhere. */
export function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

/** Linux reports thread CPU in clock ticks of 10 ms (USER_HZ 100). */
const TICK_MS = 10;

/** An unref'd interval: sampling never keeps a stopping router alive. */
export function unrefEvery(ms: number, tick: () => void): () => void {
  const timer = setInterval(tick, ms);
  timer.unref();
  return () => clearInterval(timer);
}
