import { ACCESS_LOG_MARK } from '../config/log-config.ts';
import type { BackendModel, ConfigModel } from '../config/model.ts';
import { compareText } from '../domain/compare.ts';
import { LogLevels } from 'consola';
import { recordOutput, type Logger } from '../log.ts';
import { AccessRecords, type Fields } from './access-records.ts';

/** An access-log line as haproxy writes it to the router: the backend that served, then the format's text. */
export interface AccessLine {
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
  if (!line.startsWith(PREFIX)) return CONNECTION_ERROR.test(line) ? { backend: '', text: line } : undefined;
  const end = line.indexOf(' ', PREFIX.length);
  if (end < 0) return undefined;
  return { backend: line.slice(PREFIX.length, end), text: line.slice(end + 1) };
}

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

/**
 * Relays haproxy's log channel: access-log lines become records of the
 * router's log (tag `access`), with the namespace and name of the route
 * that served, from what the worker runs (a route on a spare backend
 * included); other lines go to `other`.
 */
export class AccessLog {
  /** The routes of backends looked up since the worker's model last changed. */
  private routes = new Map<string, Fields | undefined>();
  private served: ConfigModel | undefined;
  private lastBackend: { name: Buffer; fields: Fields | undefined; routes: Map<string, Fields | undefined> } | undefined;
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
  serve(running: ConfigModel): void {
    if (running === this.served) return;
    this.served = running;
    this.routes = new Map();
  }

  private routeOf(backend: string): Fields | undefined {
    if (this.routes.has(backend)) return this.routes.get(backend);
    const fields = this.served && routeFields(this.served.backends, backend);
    this.routes.set(backend, fields);
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
      const space = bytes.indexOf(SPACE, start + PREFIX_BYTES.length);
      if (space > 0 && space < end && this.records.add(bytes, space + 1, end, this.fieldsOf(bytes, start + PREFIX_BYTES.length, space))) return;
    }
    // Anything else the careful way, after what is waiting, so that records keep their order.
    this.records?.flush();
    this.line(bytes.toString('utf8', start, end));
  }

  /** The route of the backend named by `bytes[start, end)`; the last one is remembered, since lines of a burst often share it. */
  private fieldsOf(bytes: Buffer, start: number, end: number): Fields | undefined {
    const last = this.lastBackend;
    if (last && bytes.compare(last.name, 0, last.name.length, start, end) === 0 && last.routes === this.routes) return last.fields;
    const name = bytes.toString('latin1', start, end);
    const fields = this.routeOf(name);
    this.lastBackend = { name: Buffer.from(name, 'latin1'), fields, routes: this.routes };
    return fields;
  }

  /** One line as text. */
  readonly line = (line: string): void => {
    const access = readAccessLine(line);
    if (!access) return this.other(line);
    if (this.log.level < LogLevels.info) return;
    const fields = this.routeOf(access.backend);
    if (fields) this.log.info(access.text, fields);
    else this.log.info(access.text);
  };
}
