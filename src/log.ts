import { fstatSync } from 'node:fs';
import { createConsola, LogLevels, type ConsolaInstance, type LogObject } from 'consola';
import { jsonLine, prettyLine, type PrettyStyle } from './log-format.ts';

export { escapeLogText } from './log-format.ts';

export type Logger = ConsolaInstance;
export type LogFormat = 'pretty' | 'json';
export const LOG_LEVEL_NAMES = ['silent', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVEL_NAMES)[number];

const CONSOLA_LEVEL: Record<LogLevelName, number> = {
  silent: LogLevels.silent,
  error: LogLevels.error,
  warn: LogLevels.warn,
  info: LogLevels.info,
  debug: LogLevels.debug,
  trace: LogLevels.trace,
};

/**
 * systemd hands a service whose output goes to the journal the device and
 * inode of that stream in JOURNAL_STREAM; stdout is the journal only when
 * they match (a child whose output was redirected inherits the variable).
 */
export function stdoutIsJournal(env: Readonly<Record<string, string | undefined>>): boolean {
  const stream = env.JOURNAL_STREAM;
  if (!stream) return false;
  try {
    const { dev, ino } = fstatSync(1);
    return stream === `${dev}:${ino}`;
  } catch {
    return false;
  }
}

function defaultStyle(): PrettyStyle {
  if (stdoutIsJournal(process.env)) return 'journal';
  return process.stdout.isTTY ? 'tty' : 'plain';
}

export interface LoggerOptions {
  format: LogFormat;
  level: LogLevelName;
  /** Receives every line (both formats); without it lines go to stdout (and, pretty, warnings and errors to stderr). */
  write?: (line: string) => void;
  /** Pretty only: detected from stdout when not given (plain when `write` is). */
  style?: PrettyStyle;
}

/**
 * Lines written together at the end of the current turn of the event loop:
 * a burst (hundreds of access-log lines read at once from haproxy) costs
 * one write, not one each. Whatever is pending is written before the
 * process exits.
 */
function batched(stream: NodeJS.WriteStream): (line: string) => void {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    stream.write(text);
  };
  process.on('exit', flush);
  return (line) => {
    if (pending.push(line) === 1) queueMicrotask(flush);
  };
}

/** ISO time of a date, formatted once per millisecond: records come in bursts. */
function isoDates(): (date: Date) => string {
  let last = Number.NaN;
  let text = '';
  return (date) => {
    const ms = date.getTime();
    if (ms !== last) [last, text] = [ms, date.toISOString()];
    return text;
  };
}

export function createLogger(opts: LoggerOptions): Logger {
  const style = opts.style ?? (opts.write ? 'plain' : defaultStyle());
  const out = opts.write ?? batched(process.stdout);
  const err = opts.write ?? (opts.format === 'json' ? out : batched(process.stderr));
  const iso = isoDates();
  const format = opts.format === 'json' ? (o: LogObject) => jsonLine(o, iso(o.date)) : (o: LogObject) => prettyLine(o, style, style === 'plain' ? iso(o.date) : undefined);
  return createConsola({
    level: CONSOLA_LEVEL[opts.level],
    // consola folds repeated identical records into "(repeated N times)" a second later: access logs repeat,
    // and every one of them counts.
    throttle: 0,
    reporters: [{ log: (o) => (o.level <= LogLevels.warn ? err : out)(format(o)) }],
  });
}

/**
 * Logs at info level straight through the logger's reporters, without
 * consola's per-call work (merging defaults, normalising arguments): for
 * access logs, which come by the thousand a second. Same records, same
 * output, same level filter.
 */
export function directInfo(logger: Logger): (message: string, fields?: Record<string, string>) => void {
  const tag = logger.options.defaults.tag ?? '';
  return (message, fields) => {
    if (logger.level < LogLevels.info) return;
    const record = { date: new Date(), type: 'info', level: LogLevels.info, tag, args: fields ? [message, fields] : [message] } as LogObject;
    for (const reporter of logger.options.reporters) reporter.log(record, { options: logger.options });
  };
}
