/** Medians and spreads of interleaved rounds (pure). */

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number };
}

/** Round k of `a` over round k of `b`: rounds taken back to back share the machine's state, so pairs cancel most of its drift. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, b.length).map((x, i) => x / (b[i] as number));
}

/**
 * haproxy CPU per request, in µs: the worker's CPU over the round, less what
 * it spends when no request comes (health checks of its servers, at the rate
 * measured while idle), over the requests served.
 */
export function cpuPerRequestUs(cpuSeconds: number, requests: number, wallSeconds: number, idleCpuPerSecond: number): { gross: number; net: number } {
  if (!(requests > 0)) return { gross: Number.NaN, net: Number.NaN };
  return { gross: (cpuSeconds * 1e6) / requests, net: ((cpuSeconds - idleCpuPerSecond * wallSeconds) * 1e6) / requests };
}

export function formatSpread(s: Spread, digits = 0): string {
  if (!Number.isFinite(s.median)) return 'n/a';
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;
}
