/**
 * Where one commit's time went, stage by stage, for a debug line per commit
 * (issue #12): a change's latency is the sum of waits (for the commit to
 * start, for a core, for haproxy's CLI to get a thread) and work, and only
 * the split tells them apart. Stages are entered in turn; the time between
 * two entries is the earlier stage's. Marks are clock readings into a
 * fixed array: nothing is allocated until the line is formatted.
 */
/**
 * `take`: the changes taken in (admission, the desired configuration);
 * `plan`: what to do about them; `patch`: the running model patched (an
 * incremental commit); `check`: a candidate written as a generation and
 * checked (`haproxy -c`); `load`: haproxy started or reloaded on it, until
 * the master lists its new worker; `workerCheck`: that worker's checks
 * that should not run switched off (its servers are compared after the
 * commit, worker-check.ts).
 */
export const STAGES = ['take', 'plan', 'patch', 'render', 'write', 'runtime', 'check', 'load', 'workerCheck', 'observers', 'other'] as const;
export type Stage = (typeof STAGES)[number];

/** How the commit went: planned from its changes alone, by the full step without loading, or by a load (start or reload). */
export type CommitPath = 'incremental' | 'full' | 'reload' | 'aside';

/** One commit's figures, in ms; a stage the commit never entered is NaN. */
export interface CommitMarks {
  path: CommitPath;
  result: string;
  /** Source events the commit took in. */
  events: number;
  /** From the arrival of the oldest of them to the commit's start; NaN without events. */
  waitedMs: number;
  stages: Readonly<Record<Stage, number>>;
  /** Of the runtime stage: from writing each batch of commands to haproxy's first reply, summed. */
  firstReplyMs: number;
  totalMs: number;
  /** The commit's own thread's CPU time: a stage far above it waited for a core, or for haproxy. */
  cpuMs: number;
}

const ms = (x: number) => x.toFixed(2);

/** The debug line: `key=value` pairs (ms), stages not entered left out, so a log search can split and sort them. */
export function commitLine(m: CommitMarks): string {
  let line = `commit timeline: path=${m.path} result=${m.result} events=${m.events}`;
  if (!Number.isNaN(m.waitedMs)) line += ` wait=${ms(m.waitedMs)}`;
  for (const stage of STAGES) {
    const t = m.stages[stage];
    if (Number.isNaN(t)) continue;
    line += ` ${stage}=${ms(t)}`;
    if (stage === 'runtime') line += ` firstReply=${ms(m.firstReplyMs)}`;
  }
  return `${line} total=${ms(m.totalMs)} cpu=${ms(m.cpuMs)}`;
}

export interface TimelineClocks {
  /** Wall clock in ms since the epoch, sub-millisecond (the events' arrival is on the same clock). */
  now(): number;
  /** CPU time of the thread that runs commits, ms. */
  cpu(): number;
}

export const defaultClocks: TimelineClocks = {
  now: () => performance.timeOrigin + performance.now(),
  cpu: () => {
    const u = process.threadCpuUsage();
    return (u.user + u.system) / 1000;
  },
};

const NONE = -1;

/** How much of the line the intervals cover together. */
function unionLength(intervals: readonly [number, number][]): number {
  let total = 0;
  let reached = Number.NEGATIVE_INFINITY;
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    if (to <= reached) continue;
    total += to - Math.max(from, reached);
    reached = to;
  }
  return total;
}

/** The marks of the commit under way; begin() starts over, so one instance serves every commit. */
export class CommitTimeline {
  private readonly spent = new Float64Array(STAGES.length);
  private current = NONE;
  private since = 0;
  private startedAt = 0;
  private cpuAt = 0;
  private events = 0;
  private receivedAt: number | undefined;
  /** When the runtime stage waited for haproxy's first replies, as [from, to] on `clocks.now`. */
  private replies: [number, number][] = [];

  constructor(private readonly clocks: TimelineClocks = defaultClocks) {}

  /** A commit starts. */
  begin(): void {
    this.spent.fill(Number.NaN);
    this.startedAt = this.clocks.now();
    this.since = this.startedAt;
    this.cpuAt = this.clocks.cpu();
    this.current = NONE;
    this.events = 0;
    this.receivedAt = undefined;
    this.replies = [];
  }

  /** The commit took in `events` source events, the oldest of which arrived at `receivedAt` (on `clocks.now`). */
  took(events: number, receivedAt: number | undefined): void {
    this.events = events;
    this.receivedAt = receivedAt;
  }

  /** The commit enters `stage` (again: its time adds up). */
  enter(stage: Stage): void {
    this.close(this.clocks.now());
    this.current = STAGES.indexOf(stage);
  }

  /**
   * haproxy answered a batch's first command `waitMs` after it was written.
   * Counted in the runtime stage only, and only from the stage's entry: a
   * batch written before it (a deletion the update waited for) counts for
   * the part this commit waited. Batches waited for at once count once:
   * the waits' union, never more than the stage.
   */
  replied(waitMs: number): void {
    if (STAGES[this.current] !== 'runtime') return;
    const now = this.clocks.now();
    this.replies.push([Math.max(now - waitMs, this.since), now]);
  }

  /** The commit ends: its marks. */
  end(path: CommitPath, result: string): CommitMarks {
    const at = this.clocks.now();
    this.close(at);
    this.current = NONE;
    const stages = Object.fromEntries(STAGES.map((s, i) => [s, this.spent[i] ?? Number.NaN])) as Record<Stage, number>;
    return {
      path,
      result,
      events: this.events,
      waitedMs: this.receivedAt === undefined ? Number.NaN : this.startedAt - this.receivedAt,
      stages,
      firstReplyMs: unionLength(this.replies),
      totalMs: at - this.startedAt,
      cpuMs: this.clocks.cpu() - this.cpuAt,
    };
  }

  private close(at: number): void {
    if (this.current !== NONE) {
      const before = this.spent[this.current] ?? Number.NaN;
      this.spent[this.current] = (Number.isNaN(before) ? 0 : before) + (at - this.since);
    }
    this.since = at;
  }
}
