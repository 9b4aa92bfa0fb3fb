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

export function createLogger(opts: LoggerOptions): Logger {
  const style = opts.style ?? (opts.write ? 'plain' : defaultStyle());
  const out = opts.write ?? ((line: string) => void process.stdout.write(line));
  const err = opts.write ?? (opts.format === 'json' ? out : (line: string) => void process.stderr.write(line));
  const format = opts.format === 'json' ? jsonLine : (o: LogObject) => prettyLine(o, style);
  return createConsola({
    level: CONSOLA_LEVEL[opts.level],
    // consola folds repeated identical records into "(repeated N times)" a second later: access logs repeat,
    // and every one of them counts.
    throttle: 0,
    reporters: [{ log: (o) => (o.level <= LogLevels.warn ? err : out)(format(o)) }],
  });
}
