/**
 * Where the slowest changes of a bench:moves run waited (issue #12): joins
 * each change (its watch event's time and latency, <LATENCIES>.<round>.<binary>.changes)
 * with the router's `commit timeline` debug line of the commit that took it
 * in, and, when the router ran with BUN_JSC_logGC=true, with the
 * collector's pauses logged meanwhile (stderr lines stamped by the bench;
 * BENCH_STDERR=<file>: the bench's own, its lines stamped as they came, e.g.
 * `2> >(perl -MTime::HiRes=time -ne '$|=1; printf "%.1f %s", time*1000, $_' > file)`).
 *   KEEP=1 LATENCIES=/tmp/x ROUTER_ARGS=--loglevel=debug N=10000 MOVES=300 ADDS=300 bun bench/moves.ts
 *   bun bench/commit-timeline.ts <router.log> /tmp/x.0.0.changes [SLOWEST=0.02]
 * For each kind of change: the median of every column over all changes
 * and over the slowest ones, then the slowest ones row by row. Columns, ms:
 * `deliver` (the fake API server wrote the watch event -> the router read
 * it), `wait` (-> its commit
 * started), the commit's stages, `after` (the commit's runtime commands
 * answered -> the probe saw the new pod), `cpu` (the commit thread's CPU),
 * `gc` (pauses of the router's collector between the write and haproxy's
 * answers: those on the router's path),
 * `benchGc` (the same of the bench's own: its probes; the fake API server
 * has a process of its own).
 */
import { existsSync, readFileSync } from 'node:fs';

interface Commit {
  /** ms since the epoch. */
  start: number;
  receivedAt: number | undefined;
  fields: Map<string, number>;
  path: string;
}

interface Change {
  kind: string;
  writtenAt: number;
  ms: number | undefined;
}

const [logPath, changesPath] = process.argv.slice(2);
if (!logPath || !changesPath) throw new Error('usage: bun bench/commit-timeline.ts <router.log> <changes file>');
const slowestShare = Number(process.env.SLOWEST ?? 0.02);

function commits(text: string): Commit[] {
  const out: Commit[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('commit timeline:')) continue;
    const record = JSON.parse(line) as { ts: string; msg: string };
    const fields = new Map<string, number>();
    let path = '';
    for (const [, key, value] of record.msg.matchAll(/(\w+)=(\S+)/g)) {
      if (key === 'path') path = value ?? '';
      else if (key && value !== undefined && Number.isFinite(Number(value))) fields.set(key, Number(value));
    }
    // The line is written as the commit ends, to the ms.
    const start = Date.parse(record.ts) - (fields.get('total') ?? 0);
    const wait = fields.get('wait');
    out.push({ start, receivedAt: wait === undefined ? undefined : start - wait, fields, path });
  }
  return out;
}

/**
 * Collector pauses (`p=<ms>` of each increment, at the time the line was
 * read) of one heap: the largest one logged in the file (the router's in
 * its stderr; in the bench's, its own beside its pods').
 */
function pauses(path: string | undefined): { at: number; ms: number }[] {
  if (!path || !existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const largest = new Map<string, number>();
  for (const line of lines) {
    const m = /\[GC<(\w+)>: START \w+ (\d+)kb/.exec(line);
    if (m?.[1]) largest.set(m[1], Math.max(largest.get(m[1]) ?? 0, Number(m[2])));
  }
  const heap = [...largest].sort((a, b) => b[1] - a[1])[0]?.[0];
  const out: { at: number; ms: number }[] = [];
  for (const line of lines) {
    const m = /^(\d+\.\d) \[GC<(\w+)>: .* p=([\d.]+)ms/.exec(line);
    if (m && m[2] === heap) out.push({ at: Number(m[1]), ms: Number(m[3]) });
  }
  return out;
}

const changes: Change[] = readFileSync(changesPath, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => {
    const [kind = '', at = '0', ms = '-'] = l.split(' ');
    return { kind, writtenAt: Number(at), ms: ms === '-' ? undefined : Number(ms) };
  });
const timeline = commits(readFileSync(logPath, 'utf8')).filter((c) => c.receivedAt !== undefined);
const gc = pauses(`${logPath}.stderr`);
const benchGc = pauses(process.env.BENCH_STDERR);

const COLUMNS = ['latency', 'deliver', 'wait', 'take', 'plan', 'patch', 'render', 'write', 'runtime', 'firstReply', 'after', 'other', 'observers', 'cpu', 'gc', 'benchGc'] as const;
type Row = Record<(typeof COLUMNS)[number], number> & { path: string; events: number };

/** The change's commit: the first whose oldest event arrived after the write (the log's ms rounding allowed for). */
function row(c: Change & { ms: number }): Row | undefined {
  const commit = timeline.find((t) => (t.receivedAt ?? 0) >= c.writtenAt - 1 && (t.receivedAt ?? 0) <= c.writtenAt + c.ms);
  if (!commit) return undefined;
  const f = (k: string) => commit.fields.get(k) ?? 0;
  const receivedAt = commit.receivedAt ?? commit.start;
  // What serves is in place once the commands are answered: the bookkeeping and observers after them are not on the path.
  const answered = commit.start + f('total') - f('observers') - f('other');
  const end = c.writtenAt + c.ms;
  return {
    path: commit.path,
    events: f('events'),
    latency: c.ms,
    deliver: receivedAt - c.writtenAt,
    wait: f('wait'),
    take: f('take'),
    plan: f('plan'),
    patch: f('patch'),
    render: f('render'),
    write: f('write'),
    runtime: f('runtime'),
    firstReply: f('firstReply'),
    after: end - answered,
    other: f('other'),
    observers: f('observers'),
    cpu: f('cpu'),
    gc: paused(gc, c.writtenAt, answered),
    benchGc: paused(benchGc, c.writtenAt, end),
  };
}

/** A pause's line is read as it ends: those read between the write and a little after the answer. */
const paused = (ps: { at: number; ms: number }[], from: number, to: number) => ps.filter((p) => p.at >= from && p.at <= to + 5).reduce((s, p) => s + p.ms, 0);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (x: number) => (Number.isNaN(x) ? '-' : x.toFixed(1));
const header = `| | ${COLUMNS.join(' | ')} |\n|---|${COLUMNS.map(() => '---').join('|')}|`;
const medians = (label: string, rows: Row[]) => `| ${label} | ${COLUMNS.map((k) => fmt(median(rows.map((r) => r[k])))).join(' | ')} |`;

for (const kind of [...new Set(changes.map((c) => c.kind))]) {
  const served = changes.filter((c): c is Change & { ms: number } => c.kind === kind && c.ms !== undefined).sort((a, b) => b.ms - a.ms);
  const rows = served.map(row);
  const joined = rows.filter((r): r is Row => r !== undefined);
  const slowCount = Math.max(1, Math.ceil(served.length * slowestShare));
  const slow = rows.slice(0, slowCount);
  console.log(`\n${kind}: ${served.length} served, ${joined.length} joined with a commit; the slowest ${slowCount}:\n`);
  console.log(header);
  console.log(medians('median, all', joined));
  console.log(medians(`median, slowest ${slowCount}`, slow.filter((r): r is Row => r !== undefined)));
  const joinedSlow = slow.filter((r): r is Row => r !== undefined);
  const sum = (k: (typeof COLUMNS)[number]) => joinedSlow.reduce((t, r) => t + r[k], 0);
  const routerPath = joinedSlow.reduce((t, r) => t + r.wait + r.take + r.plan + r.patch + r.render + r.write + r.runtime, 0);
  const share = (x: number) => `${((100 * x) / sum('latency')).toFixed(0)}%`;
  console.log(
    `\nOf the slowest ${joinedSlow.length}'s latency: delivery ${share(sum('deliver'))}, the router's commit up to haproxy's answers ${share(routerPath)} (haproxy's first replies ${share(sum('firstReply'))}), after the answers ${share(sum('after'))}; the router's collector paused ${share(sum('gc'))} of it (up to haproxy's answers), the bench's ${share(sum('benchGc'))} (write to served); the commit thread's CPU ${share(sum('cpu'))}.\n`,
  );
  slow.forEach((r, i) => console.log(r ? `| ${r.path}, ${r.events} ev | ${COLUMNS.map((k) => fmt(r[k])).join(' | ')} |` : `| no commit found | ${fmt(served[i]?.ms ?? Number.NaN)} |`));
}
