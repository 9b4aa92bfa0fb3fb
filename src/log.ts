import { createConsola, LogLevels, type ConsolaInstance, type LogObject } from 'consola';

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
          msg: msgParts.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' '),
          ...fields,
          ...(err?.stack ? { stack: err.stack } : {}),
        }) + '\n',
      );
    },
  };
}

export function createLogger(opts: { format: LogFormat; level: LogLevelName; write?: (line: string) => void }): Logger {
  const level = CONSOLA_LEVEL[opts.level];
  if (opts.format === 'json') {
    const write = opts.write ?? ((line: string) => process.stdout.write(line));
    return createConsola({ level, reporters: [jsonReporter(write)] });
  }
  return createConsola({ level, formatOptions: { date: true } });
}
