import { ACCESS_LOG_MARK } from '../config/log-config.ts';
import type { BackendModel, ConfigModel } from '../config/model.ts';
import { compareText } from '../domain/compare.ts';
import { LogLevels } from 'consola';
import { recordOutput, type Logger } from '../log.ts';
import { AccessRecords, type Fields } from './access-records.ts';

/** An access-log line as haproxy writes it to the router: the worker that logged it, the backend that served, then the format's text. */
export interface AccessLine {
  /** 0 for a line without one (a connection error). */
  pid: number;
  backend: string;
  text: string;
}

const PREFIX = `${ACCESS_LOG_MARK} `;
const PREFIX_BYTES = Buffer.from(PREFIX);
const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * What haproxy logs, in a format of its own, for a connection that failed
 * before any request (a TLS handshake, a client that sent nothing): client,
 * date, frontend/listener, then why.
 */
const CONNECTION_ERROR = /^\S+:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] \S+\/\S+: /;

/**
 * The access-log line `line` is (a connection error has no backend), or
 * undefined for anything else haproxy logs (its other messages reach stderr too).
 */
export function readAccessLine(line: string): AccessLine | undefined {
  if (!line.startsWith(PREFIX)) return CONNECTION_ERROR.test(line) ? { pid: 0, backend: '', text: line } : undefined;
  const first = line.indexOf(' ', PREFIX.length);
  if (first < 0) return undefined;
  const pid = pidOf(line.slice(PREFIX.length, first));
  // Without a pid, the mark of a worker an earlier router version started (it logs on until its connections end).
  if (pid === 0) return { pid, backend: line.slice(PREFIX.length, first), text: line.slice(first + 1) };
  const end = line.indexOf(' ', first + 1);
  if (end < 0) return undefined;
  return { pid, backend: line.slice(first + 1, end), text: line.slice(end + 1) };
}

/** A worker's pid as the mark writes it, or 0 when the field is no pid (a backend name never is digits alone). */
function pidOf(field: string): number {
  return /^[1-9][0-9]{0,9}$/.test(field) ? Number(field) : 0;
}

/** pidOf of `bytes[start, end)`, read in place: once per access-log line, so no string is made of it. */
function pidIn(bytes: Buffer, start: number, end: number): number {
  if (end - start < 1 || end - start > 10 || bytes[start] === 0x30) return 0;
  let pid = 0;
  for (let i = start; i < end; i++) {
    const digit = (bytes[i] as number) - 0x30;
    if (digit < 0 || digit > 9) return 0;
    pid = pid * 10 + digit;
  }
  return pid;
}

/** A spare's name is reused: each worker's spare serves whichever route took it in that worker. */
const isSpare = (backend: string) => backend.includes(':_spare:');

/** How many workers replaced by reloads are remembered: those still finishing their requests log them. */
const EARLIER_WORKERS = 8;

/** The route of a backend, by binary search: the model keeps its backends in name order. */
function routeFields(backends: readonly BackendModel[], name: string): Fields | undefined {
  let low = 0;
  let high = backends.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareText((backends[mid] as BackendModel).name, name) < 0) low = mid + 1;
    else high = mid;
  }
  const backend = backends[low];
  if (backend?.name !== name) return undefined;
  const slash = backend.routeKey.indexOf('/');
  return slash > 0 ? { namespace: backend.routeKey.slice(0, slash), route: backend.routeKey.slice(slash + 1) } : undefined;
}

interface Served {
  /** The worker's pid; undefined when the caller never said. */
  pid: number | undefined;
  model: ConfigModel;
  /** The routes of backends looked up in this model. */
  routes: Map<string, Fields | undefined>;
}

/**
 * Relays haproxy's log channel: access-log lines become records of the
 * router's log (tag `access`), with the namespace and name of the route
 * that served, from what the worker runs (a route on a spare backend
 * included); other lines go to `other`.
 */
export class AccessLog {
  /** What the current worker runs, and the routes of backends looked up since it last changed. */
  private current: Served | undefined;
  /** Workers a reload replaced, newest first: their last lines name backends as they ran them. */
  private earlier: Served[] = [];
  private lastBackend: { pid: number; name: Buffer; fields: Fields | undefined; routes: Map<string, Fields | undefined> } | undefined;
  /** The way for lines of printable ASCII, almost all of them; undefined when the log takes no info records. */
  private readonly records: AccessRecords | undefined;

  constructor(
    private readonly log: Logger,
    private readonly other: (line: string) => void,
  ) {
    const output = recordOutput(log);
    this.records = output && new AccessRecords(output, log.options.defaults.tag ?? '');
  }

  /**
   * What the worker runs, for the route each backend serves (spares a route
   * took included; other spares, none). Looked up as lines name backends:
   * indexing every backend at each commit would cost each change the
   * number of routes.
   */
  serve(running: ConfigModel, workerPid?: number): void {
    const current = this.current;
    if (current && workerPid !== undefined && current.pid !== undefined && workerPid !== current.pid) {
      this.earlier = [current, ...this.earlier.filter((s) => s.pid !== workerPid)].slice(0, EARLIER_WORKERS);
    } else if (current?.model === running) return;
    this.current = { pid: workerPid ?? current?.pid, model: running, routes: new Map() };
  }

  /**
   * What the worker `pid` runs: the current worker's model, or a replaced
   * worker's. A worker the router does not know (one a restart made, before
   * the commit that follows) is judged by the current model, but for its
   * spares, whose routes may differ.
   */
  private servedBy(pid: number, backend: string): Served | undefined {
    const current = this.current;
    if (!current || current.pid === undefined || pid === current.pid) return current;
    return this.earlier.find((s) => s.pid === pid) ?? (isSpare(backend) ? undefined : current);
  }

  private routeOf(pid: number, backend: string): Fields | undefined {
    const served = this.servedBy(pid, backend);
    if (!served) return undefined;
    if (served.routes.has(backend)) return served.routes.get(backend);
    const fields = routeFields(served.model.backends, backend);
    served.routes.set(backend, fields);
    return fields;
  }

  /** Whole lines as read from the channel (blank ones and trailing whitespace dropped). */
  readonly lines = (bytes: Buffer): void => {
    for (let start = 0; start < bytes.length; ) {
      const newline = bytes.indexOf(NEWLINE, start);
      const end = newline < 0 ? bytes.length : newline;
      this.bytesLine(bytes, start, end);
      start = end + 1;
    }
    this.records?.flush();
  };

  private bytesLine(bytes: Buffer, start: number, end: number): void {
    while (end > start && (bytes[end - 1] === SPACE || bytes[end - 1] === 0x09 || bytes[end - 1] === 0x0d)) end--;
    if (end === start) return;
    const marked = bytes.compare(PREFIX_BYTES, 0, PREFIX_BYTES.length, start, Math.min(end, start + PREFIX_BYTES.length)) === 0;
    if (marked && this.records) {
      const first = bytes.indexOf(SPACE, start + PREFIX_BYTES.length);
      const pid = first > 0 && first < end ? pidIn(bytes, start + PREFIX_BYTES.length, first) : 0;
      // With a pid, the backend is the next word; without (an earlier version's worker), the first.
      const nameStart = pid > 0 ? first + 1 : start + PREFIX_BYTES.length;
      const space = first > 0 && first < end ? (pid > 0 ? bytes.indexOf(SPACE, first + 1) : first) : -1;
      if (space > 0 && space < end && this.records.add(bytes, space + 1, end, this.fieldsOf(pid, bytes, nameStart, space))) return;
    }
    // Anything else the careful way, after what is waiting, so that records keep their order.
    this.records?.flush();
    this.line(bytes.toString('utf8', start, end));
  }

  /** The route of the backend named by `bytes[start, end)` in worker `pid`; the last one is remembered, since lines of a burst often share it. */
  private fieldsOf(pid: number, bytes: Buffer, start: number, end: number): Fields | undefined {
    const last = this.lastBackend;
    const routes = this.current?.routes;
    if (last && last.pid === pid && last.routes === routes && bytes.compare(last.name, 0, last.name.length, start, end) === 0) return last.fields;
    const name = bytes.toString('latin1', start, end);
    const fields = this.routeOf(pid, name);
    if (routes) this.lastBackend = { pid, name: Buffer.from(name, 'latin1'), fields, routes };
    return fields;
  }

  /** One line as text. */
  readonly line = (line: string): void => {
    const access = readAccessLine(line);
    if (!access) return this.other(line);
    if (this.log.level < LogLevels.info) return;
    const fields = this.routeOf(access.pid, access.backend);
    if (fields) this.log.info(access.text, fields);
    else this.log.info(access.text);
  };
}
