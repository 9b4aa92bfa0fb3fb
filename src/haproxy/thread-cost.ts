/**
 * What haproxy's thread count costs every load, and the warning an operator
 * gets when it is large.
 *
 * haproxy 2.6 built with Lua (as Debian's is) builds Lua's view of every
 * proxy and server (`core.proxies`, `core.backends`) at every start and
 * reload, whether or not a script is loaded, once for its shared Lua state
 * and once more for each thread's (`hlua_fcn_post_init`: 3 calls with
 * `nbthread 2`, 2 with `nbthread 1`, counted with a uprobe). Without
 * ROUTER_THREADS haproxy runs a thread per CPU, so on a host with many
 * CPUs and many routes most of every reload can be that view. Measured on
 * the 2-core test host (BENCHMARKS.md, "haproxy's threads and its Lua view
 * of every backend"): the master's CPU until the first answer, 100,000
 * routes, 6.3 / 7.3 / 9.2 / 13.3 s with 1 / 2 / 4 / 8 threads; 10,000
 * routes, 0.60 / 0.65 / 0.84 / 1.10 / 1.73 s with 1 / 2 / 4 / 8 / 16.
 */

/**
 * 1.0 s per thread measured at 100,000 routes (their backends and servers);
 * 0.075 s at 10,000, so the estimate runs a third high there and the
 * warning comes a little early rather than late.
 */
const LUA_VIEW_SECONDS_PER_ROUTE_AND_THREAD = 1e-5;

/** The thread count the OpenShift ingress operator gives the router unless told otherwise. */
export const OPERATOR_DEFAULT_THREADS = 4;

/** Warn when threads beyond the operator's default add at least this much CPU to every load. */
const WARN_AT_SECONDS = 1;

/** haproxy 2.6's thread limit on 64-bit builds (MAX_THREADS): more CPUs than that still give 64 threads. */
const MAX_THREADS = 64;

export interface ThreadCountFacts {
  /** ROUTER_THREADS, when the operator set it. */
  configured: number | undefined;
  /** CPUs haproxy may run on (its thread count when not configured, up to 64). */
  cpus: number;
  routes: number;
}

/** haproxy's thread count and where it comes from, for the start's log line. */
export function threadCountText(configured: number | undefined, cpus: number): string {
  if (configured !== undefined) return `${configured} thread${configured === 1 ? '' : 's'} (ROUTER_THREADS)`;
  const threads = Math.min(cpus, MAX_THREADS);
  return `${threads} thread${threads === 1 ? '' : 's'} (one per CPU${cpus > MAX_THREADS ? ', 64 at most' : ''}; ROUTER_THREADS unset)`;
}

/**
 * Whether the thread count haproxy picks for itself is worth a warning:
 * only when nobody chose it and the threads beyond the operator's default
 * would cost every load a second or more of CPU.
 */
export function threadCountCost(facts: ThreadCountFacts): { threads: number; extraSeconds: number } | undefined {
  if (facts.configured !== undefined) return undefined;
  const threads = Math.min(facts.cpus, MAX_THREADS);
  const extraSeconds = Math.max(0, threads - OPERATOR_DEFAULT_THREADS) * facts.routes * LUA_VIEW_SECONDS_PER_ROUTE_AND_THREAD;
  return extraSeconds >= WARN_AT_SECONDS ? { threads, extraSeconds } : undefined;
}

/** The warning for `threadCountCost`'s answer; `version`: haproxy's, as it prints it. */
export function threadCountWarning(cost: { threads: number; extraSeconds: number }, routes: number, version: string): string {
  return (
    `haproxy runs ${cost.threads} threads (one per CPU, 64 at most: ROUTER_THREADS is unset), and haproxy ${version} builds its Lua view of all ` +
    `${routes} routes' backends once per thread at every start and reload: about ${cost.extraSeconds.toFixed(0)} s more CPU per load ` +
    `than with ROUTER_THREADS=${OPERATOR_DEFAULT_THREADS} (the OpenShift ingress operator's default), by the figures of the test host in BENCHMARKS.md; ` +
    'set ROUTER_THREADS to the threads the traffic needs'
  );
}

/**
 * Warns once haproxy first serves, if the thread count is worth
 * it and haproxy has Lua (asked only then: `hasLua` runs `haproxy -vv`).
 */
export async function warnAboutThreadCount(facts: ThreadCountFacts, version: string, hasLua: () => Promise<boolean>, warn: (message: string) => void): Promise<void> {
  const cost = threadCountCost(facts);
  if (cost && (await hasLua())) warn(threadCountWarning(cost, facts.routes, version));
}
