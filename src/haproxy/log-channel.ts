import type { ConfigModel } from '../config/model.ts';
import type { Logger } from '../log.ts';
import { AccessLog } from './access-log.ts';
import { LogFifo } from './log-fifo.ts';

/** haproxy's log channel as the router reads it: access-log records, named by route, in the router's log. */
export interface LogChannel {
  /** For haproxy's stdout. */
  readonly fd: number;
  /** What the worker runs after the last commit: which route each backend serves. */
  /** What the worker `workerPid` (the one new connections go to) runs. */
  serve(running: ConfigModel, workerPid: number | undefined): void;
  /** Takes what is left in the channel and stops reading it. */
  close(): void;
}

/** Reads the named pipe at `path` (see log-fifo.ts); lines that are not access logs are logged at debug level. */
export function openLogChannel(logger: Logger, path: string): LogChannel {
  const haproxyLog = logger.withTag('haproxy');
  const access = new AccessLog(logger.withTag('access'), (line) => haproxyLog.debug(line));
  const fifo = LogFifo.open(path, access.lines, { onError: (message) => haproxyLog.error(`access log: ${message}; no more access-log lines are read until the router restarts`) });
  fifo.start();
  return { fd: fifo.writeFd, serve: (routes, workerPid) => access.serve(routes, workerPid), close: () => fifo.close() };
}
