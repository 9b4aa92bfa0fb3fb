import { ACCESS_LOG_MARK } from '../config/log-config.ts';
import { directInfo, type Logger } from '../log.ts';

/** An access-log line as haproxy writes it to the router: the backend that served, then the format's text. */
export interface AccessLine {
  backend: string;
  text: string;
}

const PREFIX = `${ACCESS_LOG_MARK} `;

/** The access-log line `line` is, or undefined for anything else haproxy logs (those reach stderr too). */
export function readAccessLine(line: string): AccessLine | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  const end = line.indexOf(' ', PREFIX.length);
  if (end < 0) return undefined;
  return { backend: line.slice(PREFIX.length, end), text: line.slice(end + 1) };
}

type RouteName = Record<'namespace' | 'route', string>;

/**
 * Relays haproxy's log channel: access-log lines become records of the
 * router's log (tag `access`), with the namespace and name of the route
 * that served, from what the worker runs (a route on a spare backend
 * included); other lines go to `other`.
 */
export class AccessLog {
  private routes = new Map<string, RouteName>();
  private served: ReadonlyMap<string, string> | undefined;
  private readonly record: ReturnType<typeof directInfo>;

  constructor(
    log: Logger,
    private readonly other: (line: string) => void,
  ) {
    this.record = directInfo(log);
  }

  /** Backend name -> `namespace/name`, as the last commit left the worker. */
  serve(backendRoutes: ReadonlyMap<string, string>): void {
    if (backendRoutes === this.served) return;
    this.served = backendRoutes;
    const routes = new Map<string, RouteName>();
    for (const [backend, key] of backendRoutes) {
      const slash = key.indexOf('/');
      routes.set(backend, { namespace: key.slice(0, slash), route: key.slice(slash + 1) });
    }
    this.routes = routes;
  }

  readonly line = (line: string): void => {
    const access = readAccessLine(line);
    if (!access) return this.other(line);
    this.record(access.text, this.routes.get(access.backend));
  };
}
