/** Markdown tables of the scale benchmark: one per size with how each figure was taken, then all sizes side by side. */
import type { PhaseResult } from './changes.ts';
import type { SizeResult } from './measure-size.ts';
import type { WrkResult } from './wrk.ts';

export interface References {
  minimal: WrkResult | string;
  podDirect: WrkResult;
  baseline: SizeResult;
}

export function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const mib = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(0));
const rps = (w: WrkResult | string | undefined) =>
  w === undefined ? 'n/a' : typeof w === 'string' ? `did not start: ${w}` : `${w.rps.toFixed(0)}${w.bad ? ` (${w.bad} bad answers)` : ''}`;
const ratio = (a: WrkResult | string | undefined, b: WrkResult | string | undefined) =>
  typeof a === 'object' && typeof b === 'object' && b.rps > 0 ? `${(a.rps / b.rps).toFixed(2)}x` : 'n/a';

function phase(p: PhaseResult | undefined, count: number): string {
  if (!p || p.attempted === 0) return 'n/a';
  const done = `n=${p.latencies.length}${p.attempted < count ? ` of ${count} (budget ${p.seconds.toFixed(0)} s)` : ''}`;
  const missed = `${p.timedOut ? `, ${p.timedOut} not served in time` : ''}${p.drawn ? `, ${p.drawn} probed by drawing among the pods` : ''}`;
  return `${ms(percentile(p.latencies, 50))} / ${ms(percentile(p.latencies, 99))} (${done}${missed}, ${p.reloads} reloads; router CPU ${ms(p.routerCpuMsPerChange)} ms per change)`;
}

function memory(m: SizeResult['memoryStart']): string {
  if (!m) return 'n/a';
  const workers = m.haproxy.workersMiB.map(mib).join(' + ') || 'none';
  return `${mib(m.routerMiB)} / ${mib(m.haproxy.masterMiB)} + ${workers}`;
}

/** How many, and the distinct messages (numbers masked) of the first few. */
function warningSummary(lines: readonly string[]): string {
  const messages = new Set(lines.map((l) => String((JSON.parse(l) as { msg?: unknown }).msg ?? l).replace(/\d+/g, 'N').replace(/\|/g, '/').slice(0, 120)));
  return lines.length === 0 ? '0' : `${lines.length}: ${[...messages].slice(0, 3).map((m) => `"${m}"`).join(', ')}`;
}

/** [measure, how it was taken, figure] for one size. */
export function rows(r: SizeResult, refs: References, counts: { moves: number; adds: number; sequential: number }): [string, string, string][] {
  if (r.failed) return [['router', 'spawn of dist/router, first answer awaited', `did not serve: ${r.failed.replace(/\|/g, '/')}`]];
  const seq = r.sequential;
  return [
    ['start -> first answer, ms', 'spawn -> first HTTP answer from haproxy (ports are bound only once the first complete config loads)', ms(r.firstAnswerMs)],
    ['start -> every sampled route served, ms', 'spawn -> each of a spread sample of routes (all kinds) answered by one of its pods, 10 probes at a time', ms(r.sampleServedMs)],
    ['routes served after start', 'one probe each over a spread sample, after start', r.sweep ? `${r.sweep.served} / ${r.sweep.probed}` : 'n/a'],
    ['start -> router settled, ms', 'spawn -> the first second in which the router used under 5% of a core (status writes done); memory and requests/s are taken after it', ms(r.settledMs)],
    ['router CPU to start, s', 'user + system from /proc/<pid>/stat once the sample served', r.routerCpuStartS?.toFixed(1) ?? 'n/a'],
    ['router CPU to first answer, s', 'the same at the first answer, before the router is ready and starts its status writes', r.routerCpuFirstAnswerS?.toFixed(2) ?? 'n/a'],
    ['endpoint moved -> served, p50 / p99 ms', "an EndpointSlice's pod port changed through the API: the fake API server (a process of its own) wrote the watch event -> first answer from the new pod (probes ~1 ms apart)", phase(r.moves, counts.moves)],
    ['route added -> served, p50 / p99 ms', 'a Route of the mix created through the API on an existing service -> first answer from one of its pods', phase(r.adds, counts.adds)],
    ['sequential adds, p50 / p99 ms', 'as above, the next one created once the previous one is served; reloads from the master\'s counter', phase(seq, counts.sequential)],
    ['reload: event -> reloaded and serving, p50 / p99 ms', "a reencrypt route's destination CA changed through the API (haproxy reads CA files only on load) -> the master counts the reload and a plain route answers", phase(r.reloads, r.reloads?.attempted ?? 0)],
    ['endpoint moved during a reload -> served, p50 / p99 ms', "the reload's change above, then RELOAD_MOVE_AFTER_MS (100) later a pod of another service moved, timed as a move (one that comes during the reload's check or load goes to the worker being replaced at once; what it shows beyond a move's latency is the wait for the reload's plan, which no change can pass)", phase(r.reloadMoves, r.reloadMoves?.attempted ?? 0)],
    ['haproxy -c on the router config, ms (CPU ms)', 'the live conf/haproxy.config and the backend files beside it (as haproxy loads them) at the end, timed alone; CPU = user + system of haproxy', `${ms(r.checkMs)} (${ms(r.checkCpuMs)})`],
    ['RSS after start, MiB: router / haproxy master + workers', 'VmRSS from /proc', memory(r.memoryStart)],
    ['RSS idle after start, MiB: router / haproxy master + workers', "the same once the router has been idle 3 s more (after its collection of the start's garbage)", memory(r.memoryIdle)],
    ['RSS at the end, MiB: router / haproxy master + workers', 'VmRSS from /proc once the router is quiet with no reload in flight; old workers still draining included', memory(r.memoryEnd)],
    ['router peak RSS over the run, MiB', "VmHWM from /proc at the end (the start's and the reloads' full renders)", r.routerPeakMiB === undefined ? 'n/a' : mib(r.routerPeakMiB)],
    ['requests/s through the router', "wrk (settings above; keep-alive), each request's Host the next of up to WRK_HOSTS plain routes spread over the mix, and its path a new one (/item/<n>)", rps(r.wrk)],
    ['  vs 10 routes', `the same through a router serving ${refs.baseline.routes} routes`, ratio(r.wrk, refs.baseline.wrk)],
    ["openshift-router's regex-map shape, requests/s", 'the same routes as map_reg over base (+ the redirect map), haproxy alone, same wrk', rps(r.upstreamWrk)],
    ['  router vs regex-map shape', 'ratio', ratio(r.wrk, r.upstreamWrk)],
    ['haproxy -c on the regex-map shape, ms (CPU ms)', 'timed alone', `${ms(r.upstreamCheckMs)} (${ms(r.upstreamCheckCpuMs)})`],
    ['router warnings and errors, haproxy alerts', "the router's JSON log (haproxy's notices of runtime changes left out)", warningSummary(r.warnings)],
    ['load average before', '/proc/loadavg (other engineers share the machine)', r.loadBefore],
  ];
}

export function sizeTable(r: SizeResult, refs: References, counts: { moves: number; adds: number; sequential: number }): string {
  const out = [`### ${r.routes.toLocaleString('en')} routes`, '', '| measure | value | how |', '|---|---|---|'];
  for (const [name, how, value] of rows(r, refs, counts)) if (!value.startsWith('n/a')) out.push(`| ${name} | ${value} | ${how} |`);
  return out.join('\n');
}

export function sideBySide(results: readonly SizeResult[], refs: References, counts: { moves: number; adds: number; sequential: number }): string {
  const header = `| measure | ${results.map((r) => `${r.routes.toLocaleString('en')} routes`).join(' | ')} |`;
  const out = [header, `|---|${results.map(() => '---').join('|')}|`];
  const table = results.map((r) => rows(r, refs, counts));
  const names = table.find((t) => t.length > 1)?.map(([n]) => n) ?? [];
  for (const name of names) out.push(`| ${name} | ${table.map((t) => t.find(([n]) => n === name)?.[2] ?? 'did not serve (above)').join(' | ')} |`);
  return out.join('\n');
}
