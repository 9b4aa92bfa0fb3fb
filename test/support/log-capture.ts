import { createLogger, type Logger } from '../../src/log.ts';

export interface LogRecord {
  level: string;
  tag?: string;
  msg: string;
}

/** Log records a test can read, and wait for. */
export interface LogCapture {
  readonly logs: LogRecord[];
  /** Resolves with the first record (already logged or future) that matches. */
  waitForLog(match: (r: LogRecord) => boolean): Promise<LogRecord>;
}

/** A JSON logger whose records the test can read and wait for; ROUTER_TEST_LOGS=1 echoes them to stderr. */
export function captureLogs(): LogCapture & { logger: Logger } {
  const logs: LogRecord[] = [];
  let waiters: { match: (r: LogRecord) => boolean; resolve: (r: LogRecord) => void }[] = [];
  const logger = createLogger({
    format: 'json',
    level: 'debug',
    write(line) {
      const record = JSON.parse(line) as LogRecord;
      logs.push(record);
      if (process.env.ROUTER_TEST_LOGS) process.stderr.write(line);
      waiters = waiters.filter((w) => {
        if (!w.match(record)) return true;
        w.resolve(record);
        return false;
      });
    },
  });
  return {
    logger,
    logs,
    waitForLog(match) {
      const found = logs.find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}
