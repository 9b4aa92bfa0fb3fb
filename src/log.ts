import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter, type LogObject } from 'consola';

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
 * Characters that could forge, hide or reorder log lines when outside text
 * (a tenant's object name, a manifest's contents, haproxy's words) is
 * logged: C0 controls but tab and newline (ESC starts terminal escapes, CR
 * overwrites a line), DEL, C1 controls (U+0085 breaks lines in some
 * viewers), Unicode line and paragraph separators, and bidirectional
 * controls. JSON.stringify escapes only C0.
 */
const UNSAFE_IN_LOGS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Every message is escaped the same way, whatever part of it came from outside: names cannot end or forge a line. */
export function escapeLogText(text: string): string {
  return text.replace(UNSAFE_IN_LOGS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Pretty output is read line by line (journald stores each line as a
 * record): lines after the first of a message are indented, so no text in a
 * message can pass for a record of its own.
 */
const CONTINUATION = '\n    ';

function escapingReporter(inner: ConsolaReporter): ConsolaReporter {
  const escape = (arg: unknown) => (typeof arg === 'string' ? escapeLogText(arg).replace(/\n/g, CONTINUATION) : arg);
  return { log: (o, ctx) => inner.log({ ...o, args: o.args.map(escape) }, ctx) };
}

/**
 * One JSON object per line so journald/log shippers can parse router and
 * haproxy lines alike; consola has no JSON reporter of its own.
 */
function jsonReporter(write: (line: string) => void) {
  return {
    log(o: LogObject) {
      const [first, ...rest] = o.args;
      const fields =
        rest.length === 1 && rest[0] !== null && typeof rest[0] === 'object' && !(rest[0] instanceof Error)
          ? (rest[0] as Record<string, unknown>)
          : undefined;
      const msgParts = fields ? [first] : o.args;
      const err = o.args.find((a) => a instanceof Error) as Error | undefined;
      write(
        JSON.stringify({
          ts: o.date.toISOString(),
          level: o.type,
          tag: o.tag || undefined,
          msg: escapeLogText(msgParts.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ')),
          ...fields,
          ...(err?.stack ? { stack: err.stack } : {}),
        }) + '\n',
      );
    },
  };
}

/** `write` receives every line (both formats); without it they go to stdout (and, pretty, warnings and errors to stderr). */
export function createLogger(opts: { format: LogFormat; level: LogLevelName; write?: (line: string) => void }): Logger {
  const level = CONSOLA_LEVEL[opts.level];
  if (opts.format === 'json') {
    const write = opts.write ?? ((line: string) => process.stdout.write(line));
    return createConsola({ level, reporters: [jsonReporter(write)] });
  }
  const write = opts.write;
  const stream = write && ({ write: (text: string) => write(text) } as unknown as NodeJS.WriteStream);
  const logger = createConsola({ level, formatOptions: { date: true }, ...(stream ? { stdout: stream, stderr: stream } : {}) });
  logger.setReporters(logger.options.reporters.map(escapingReporter));
  return logger;
}
