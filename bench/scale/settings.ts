/** The scale benchmark's knobs, from the environment (documented in bench/scale.ts). */

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not ${JSON.stringify(raw)}`);
  return n;
}

export interface Settings {
  sizes: number[];
  baselineRoutes: number;
  moves: number;
  adds: number;
  sequentialAdds: number;
  phaseBudgetMs: number;
  sequentialBudgetMs: number;
  changeDeadlineMs: number;
  /** A reload's own deadline: about a minute at 100,000 routes (BENCHMARKS.md), past the changes' 30 s. */
  reloadDeadlineMs: number;
  reloads: number;
  /** Endpoint moves each made while a reload (one more each) runs. */
  reloadMoves: number;
  /** How long after the change that forces the reload each of those moves comes: 100 ms lands in the reload's plan, a later one in its check or load. */
  reloadMoveAfterMs: number;
  reloadGapMs: number;
  startTimeoutMs: number;
  startSample: number;
  sweep: number;
  wrk: { seconds: number; connections: number; threads: number; hosts: number };
  httpPods: number;
  maxPodsPerService: number;
  tlsPods: number;
  podProcesses: number;
  certRoutes: number;
  /** Each edge and reencrypt route added gets a certificate of its own (OWN_CERTS=1), as most clusters' routes have, rather than the mix's shared one. */
  ownCertAdds: boolean;
  nofile: number;
  seed: number;
  profileDir: string | undefined;
  /** Another build of the router than dist/router (a "before" binary, measured in turn with the new one). */
  binary: string | undefined;
  routerArgs: string[];
}

export function readSettings(defaultSizes = '1000,10000,50000,100000'): Settings {
  const sizes = (process.env.SIZES ?? defaultSizes).split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 20)) throw new Error(`SIZES must be a comma-separated list of route counts of at least 20, not ${process.env.SIZES}`);
  return {
    sizes,
    baselineRoutes: int('BASELINE_ROUTES', 10),
    moves: int('MOVES', 200),
    adds: int('ADDS', 200),
    sequentialAdds: int('SEQ_ADDS', 3000),
    phaseBudgetMs: int('PHASE_BUDGET_S', 150) * 1000,
    sequentialBudgetMs: int('SEQ_BUDGET_S', 300) * 1000,
    changeDeadlineMs: int('CHANGE_DEADLINE_S', 30) * 1000,
    reloadDeadlineMs: int('RELOAD_DEADLINE_S', 180) * 1000,
    reloads: int('RELOADS', 4),
    reloadMoves: int('RELOAD_MOVES', int('RELOADS', 4)),
    reloadMoveAfterMs: int('RELOAD_MOVE_AFTER_MS', 100),
    reloadGapMs: int('RELOAD_GAP_MS', 6000),
    startTimeoutMs: int('START_TIMEOUT_S', 600) * 1000,
    startSample: int('START_SAMPLE', 50),
    sweep: int('SWEEP', 2000),
    wrk: { seconds: int('WRK_SECONDS', 10), connections: int('WRK_CONNECTIONS', 50), threads: int('WRK_THREADS', 1), hosts: int('WRK_HOSTS', 1000) },
    httpPods: int('HTTP_PODS', 4000),
    maxPodsPerService: Math.max(1, int('MAX_PODS', 3)),
    tlsPods: int('TLS_PODS', 1000),
    podProcesses: Math.max(1, int('POD_PROCS', 2)),
    certRoutes: int('CERT_ROUTES', 5000),
    ownCertAdds: int('OWN_CERTS', 0) === 1,
    nofile: int('NOFILE', 1048576),
    seed: int('SEED', 1),
    profileDir: process.env.PROFILE || undefined,
    binary: process.env.ROUTER_BINARY || undefined,
    routerArgs: (process.env.ROUTER_ARGS ?? '').split(' ').filter((a) => a !== ''),
  };
}
