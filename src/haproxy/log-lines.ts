import type { Logger } from '../log.ts';

export type HaproxyLevel = 'error' | 'warn' | 'info' | 'debug';

/** One line of haproxy's stderr, as the router logs it. */
export interface HaproxyMessage {
  level: HaproxyLevel;
  /** haproxy's words, without its `[WARNING]  (pid) : ` prefix and context. */
  text: string;
  /** The master or worker that said it. */
  pid?: number;
}

const PREFIX = /^\[(EMERG|ALERT|CRIT|ERR|WARNING|NOTICE|INFO|DEBUG)\]\s+\((\d+)\)\s*:\s?(.*)$/;

const SEVERITY: Readonly<Record<string, HaproxyLevel>> = {
  EMERG: 'error',
  ALERT: 'error',
  CRIT: 'error',
  ERR: 'error',
  WARNING: 'warn',
  NOTICE: 'info',
  INFO: 'info',
  DEBUG: 'debug',
};

/**
 * haproxy's severity says how it sees a message, not how the router does.
 * Every proxy (the spare backends included) says it stopped whenever a
 * worker ends, which the router caused (a stop, a reload); workers and
 * masters starting, reloading and exiting are what the supervisor and the
 * commit log report once, in their own words; a route without a serving
 * pod is the route's trouble, not the router's; servers added, removed,
 * or taken into and out of maintenance are the router's own runtime
 * commands; a route's server going up or down with the check server it
 * tracks says again what that check server's own line said, once for
 * every route of the pod (20,000 lines as a 10,000-route start's checks
 * come up), while a route left with no server still warns; a backend of
 * check slots (be_checks_N) with none up is its pods' lines again, not a
 * route's.
 */
const RELEVELS: readonly (readonly [RegExp, HaproxyLevel])[] = [
  // A worker ends by itself (0: its connections done after a reload) or as the router stops it (143: SIGTERM); any
  // other end (a crash: 139, 134; the kernel's OOM killer: 137) is news, whoever else reports the master's exit.
  [/^(Current|Former) worker \(\d+\) exited with code (?!(0|143) )\d+/, 'error'],
  [/^Proxy \S+ stopped \(cumulated conns: /, 'debug'],
  [/^Stopping (frontend|backend|proxy) \S+ in \d+ ms\.$/, 'debug'],
  [/^(New|Current|Former) worker \(\d+\) (forked|exited)/, 'debug'],
  [/^(Loading success\.|Reexecuting Master process|Reloading HAProxy|Exiting Master process\.\.\.|All workers exited\.)/, 'debug'],
  [/^(haproxy version is|path to executable is) /, 'debug'],
  [/^(backend|proxy) '?be_checks_\d+'? has no server available!$/, 'debug'],
  [/^(backend|proxy) '?\S+?'? has no server available!$/, 'warn'],
  [/^(Backup )?Server \S+ (was DOWN and now enters maintenance|is going DOWN for maintenance|is \S+ \(leaving (forced )?(maintenance|drain)\)|is leaving forced|remains in forced|enters drain state)/, 'debug'],
  [/^(New server registered|Server deleted)\.$/, 'debug'],
  [/^(Backup )?Server \S+ is (UP|DOWN) via \S+/, 'debug'],
  [/^(Backup )?Server \S+ is UP\b/, 'info'],
];

/**
 * What haproxy puts before a message to say where it came from: `config : `,
 * `CLI : ` (which workers keep putting on their messages once they have
 * answered a runtime command), `'server be/srv' : `.
 */
const CONTEXT = /^(?:(?:CLI|config|'[^']*') : )+/;

/** Reads one line of haproxy's stderr: its level as the router sees it, and its words. */
export function readHaproxyLine(line: string): HaproxyMessage {
  const match = PREFIX.exec(line);
  if (!match) return { level: 'info', text: line };
  const [, severity = '', pid, said = ''] = match;
  const text = said.replace(CONTEXT, '');
  const relevel = RELEVELS.find(([pattern]) => pattern.test(text));
  return { level: relevel?.[1] ?? SEVERITY[severity] ?? 'info', text, pid: Number(pid) };
}

/** Logs haproxy's stderr lines, one record per line, at the router's level for each. */
export function haproxyMessages(logger: Logger): (line: string) => void {
  return (line) => {
    const message = readHaproxyLine(line);
    if (message.pid === undefined) logger[message.level](message.text);
    else logger[message.level](message.text, { pid: message.pid });
  };
}

/**
 * Splits a child's output into lines (without their line ends; blank lines
 * dropped) and hands each to `onLine`, until the stream ends.
 */
export async function pipeLines(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let pending = '';
  const emit = (line: string) => {
    const text = line.trimEnd();
    if (text !== '') onLine(text);
  };
  for await (const chunk of stream) {
    pending += decoder.decode(chunk, { stream: true });
    if (!pending.includes('\n')) continue;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) emit(line);
  }
  emit(pending + decoder.decode());
}
