import { fstatSync } from 'node:fs';
import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola';
import { jsonLine, prettyLine, type PrettyStyle } from './log-format.ts';
import { batchedWriter, lineWriter, type LogWriter } from './log-output.ts';

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

/** How a logger writes its info records: what a writer of records that bypasses consola (the access log) needs. */
export interface RecordOutput {
  /** The logger's own line for a record. */
  format(record: LogObject): string;
  /** Whether lines are JSON, where a message's quotes and backslashes are escaped. */
  json: boolean;
  /** Takes whole lines formatted as the logger formats them, in order with the logger's own. */
  write: LogWriter;
}

/** Each logger's output, by its reporter (which the tagged loggers derived from it share). */
const outputs = new WeakMap<ConsolaReporter, RecordOutput>();

export function createLogger(opts: LoggerOptions): Logger {
  const style = opts.style ?? (opts.write ? 'plain' : defaultStyle());
  const iso = isoDates();
  const format = opts.format === 'json' ? (o: LogObject) => jsonLine(o, iso(o.date)) : (o: LogObject) => prettyLine(o, style, style === 'plain' ? iso(o.date) : undefined);
  // Said in the log's own format once the output takes lines again.
  const droppedNotice = (lines: number, bytes: number) =>
    format({ date: new Date(), type: 'warn', level: LogLevels.warn, tag: 'log', args: [`dropped ${lines} log lines (${bytes} bytes): the output did not take them (a stalled journal or reader)`] } as LogObject);
  const out = opts.write ? lineWriter(opts.write) : batchedWriter(process.stdout, { droppedNotice });
  const err = opts.write || opts.format === 'json' ? out : batchedWriter(process.stderr, { droppedNotice });
  const reporter: ConsolaReporter = { log: (o) => (o.level <= LogLevels.warn ? err : out)(format(o)) };
  outputs.set(reporter, { format, json: opts.format === 'json', write: out });
  return createConsola({
    level: CONSOLA_LEVEL[opts.level],
    // consola folds repeated identical records into "(repeated N times)" a second later: access logs repeat,
    // and every one of them counts.
    throttle: 0,
    reporters: [reporter],
  });
}

/** Where `logger` writes its info records, or undefined when it logs no info records (or was not made here). */
export function recordOutput(logger: Logger): RecordOutput | undefined {
  const [reporter] = logger.options.reporters;
  return logger.level >= LogLevels.info && reporter ? outputs.get(reporter) : undefined;
}
