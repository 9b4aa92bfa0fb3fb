/** Markdown of the interleaved rounds (pure): each side's figures, then the router at N routes against 10 routes and the floor. */
import type { Rounds, Sample, Scheme } from './rounds.ts';
import { cpuPerRequestUs, formatSpread, pairedRatios, spreadOf } from './stats.ts';

export interface SizeRounds {
  routes: number;
  rounds: Rounds;
  /** Side name -> its haproxy's CPU seconds per second while idle. */
  idle: Map<string, number>;
  /** Names of the router at N routes, the same asked for the 10-route router's hosts, the 10-route router, the minimal haproxy. */
  big: string;
  /** The same routes served by other builds (COMPARE_BINARY), each compared with the 10-route router as `big` is. */
  others: string[];
  few: string;
  small: string;
  floor: string;
}

const fair = (samples: readonly Sample[]) => samples.map((s) => (s.disturbed || s.bad > 0 ? { ...s, rps: Number.NaN, requests: Number.NaN } : s));

function samplesOf(r: SizeRounds, side: string, scheme: Scheme): Sample[] {
  return fair(r.rounds.get(side)?.get(scheme) ?? []);
}

function cpu(r: SizeRounds, side: string, scheme: Scheme): { gross: number[]; net: number[] } {
  const idle = r.idle.get(side) ?? 0;
  const each = samplesOf(r, side, scheme).map((s) => cpuPerRequestUs(s.cpuSeconds, s.requests, s.seconds, idle));
  return { gross: each.map((c) => c.gross), net: each.map((c) => c.net) };
}

function sideRows(r: SizeRounds, side: string): string[] {
  const rows: string[] = [];
  for (const scheme of ['http', 'https'] as const) {
    const all = r.rounds.get(side)?.get(scheme) ?? [];
    if (all.length === 0) continue;
    const samples = samplesOf(r, side, scheme);
    const c = cpu(r, side, scheme);
    const left = all.filter((s) => s.disturbed || s.bad > 0).length;
    rows.push(
      `| ${side} | ${scheme} | ${formatSpread(spreadOf(samples.map((s) => s.rps)))} | ${formatSpread(spreadOf(c.gross), 1)} | ${formatSpread(spreadOf(c.net), 1)} | ${((r.idle.get(side) ?? Number.NaN) * 1000).toFixed(0)} | ${all.length - left} of ${all.length} |`,
    );
  }
  return rows;
}

function ratioRows(r: SizeRounds, scheme: Scheme, other: string, label: string, side = r.big): string[] {
  const big = samplesOf(r, side, scheme);
  const ref = samplesOf(r, other, scheme);
  if (big.length === 0 || ref.length === 0) return [];
  const rps = spreadOf(pairedRatios(big.map((s) => s.rps), ref.map((s) => s.rps)));
  // The other side's µs over this side's: how many requests this side serves per CPU second, relative to the other.
  const gross = spreadOf(pairedRatios(cpu(r, other, scheme).gross, cpu(r, side, scheme).gross));
  const net = spreadOf(pairedRatios(cpu(r, other, scheme).net, cpu(r, side, scheme).net));
  return [`| ${side} vs ${label} | ${scheme} | ${formatSpread(rps, 2)} | ${formatSpread(gross, 2)} | ${formatSpread(net, 2)} |`];
}

export function sizeReport(r: SizeRounds): string {
  const count = Math.max(...[...r.rounds.values()].flatMap((m) => [...m.values()].map((s) => s.length)));
  const loads = [...r.rounds.values()].flatMap((m) => [...m.values()].flat().map((s) => Number(s.load.split(' ')[0])));
  return [
    `### ${r.routes.toLocaleString('en')} routes, ${count} interleaved rounds (load average during the rounds ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)})`,
    '',
    '| side | scheme | requests/s, median (min-max) | haproxy CPU µs per request | the same, net of idle | idle haproxy CPU, ms/s | fair rounds |',
    '|---|---|---|---|---|---|---|',
    ...sideRows(r, r.big),
    ...r.others.flatMap((o) => sideRows(r, o)),
    ...sideRows(r, r.few),
    ...sideRows(r, r.small),
    ...sideRows(r, r.floor),
    '',
    '| ratio | scheme | requests/s, round by round: median (min-max) | requests per haproxy CPU second (inverse µs ratio) | the same, net of idle |',
    '|---|---|---|---|---|',
    ...ratioRows(r, 'http', r.small, r.small),
    ...ratioRows(r, 'https', r.small, r.small),
    ...r.others.flatMap((o) => [...ratioRows(r, 'http', r.small, r.small, o), ...ratioRows(r, 'https', r.small, r.small, o)]),
    ...ratioRows(r, 'http', r.small, r.small, r.few),
    ...ratioRows(r, 'https', r.small, r.small, r.few),
    ...ratioRows(r, 'http', r.floor, 'minimal haproxy'),
  ].join('\n');
}
