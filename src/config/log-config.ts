import type { HaproxyLogOptions } from '../options.ts';

/**
 * Starts every access-log line haproxy writes to the router's output, followed
 * by the backend's name, so the router can tell them from haproxy's other log
 * messages (which also reach stderr, where it logs them) and name the route.
 */
export const ACCESS_LOG_MARK = '@access';

/** haproxy's own `option httplog` and `option tcplog` formats, written out. */
export const HTTP_LOG_FORMAT = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';
export const TCP_LOG_FORMAT = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq';

/** Configuration lines for haproxy's log, by the section they belong to. */
export interface LogConfig {
  global: string[];
  defaults: string[];
  /** The TCP frontend that picks passthrough routes by SNI. */
  tlsFrontend: string[];
  /** Each HTTP frontend (plain, and TLS-terminating). */
  httpFrontend: string[];
}

// The worker's pid, then the backend: a spare backend serves another route in each worker (its name is reused), and
// old workers log their last requests after a reload (config/log-config.ts, haproxy/access-log.ts).
const marked = (format: string) => `"${ACCESS_LOG_MARK} %pid %b ${format}"`;

/**
 * The operator's format as one haproxy word. The ingress operator quotes it
 * (Go's %q), and then it is taken as written; but an EnvironmentFile strips
 * one level of quotes, and a format written by hand often has none: with no
 * quote and no backslash in it, its spaces cannot be meant as word breaks, so
 * it is quoted here.
 */
export function haproxyWord(text: string): string {
  return /["'\\]/.test(text) ? text : `"${text}"`;
}

/**
 * As upstream with a syslog target (`log <address> len <n> <facility>
 * <level>`, httplog or the operator's format, tcplog for passthrough);
 * without one, to haproxy's stdout, which the router reads, in the same
 * formats behind a mark. The operator's format is one haproxy word (see
 * haproxyWord).
 */
export function logConfig(log: HaproxyLogOptions): LogConfig {
  const options = log.dontLogNull ? ['option dontlognull'] : [];
  // In the HTTP frontends rather than defaults (as upstream has it), where haproxy warns that the TCP one ignores it.
  const httpFrontend = [
    ...(log.httpIgnoreProbes ? ['option http-ignore-probes'] : []),
    ...(log.uniqueId ? [`unique-id-format ${haproxyWord(log.uniqueId.format)}`, `unique-id-header ${log.uniqueId.header}`] : []),
  ];
  const target = log.target;
  switch (target.kind) {
    case 'none':
      return { global: [], defaults: options, tlsFrontend: [], httpFrontend };
    case 'syslog':
      return {
        global: [`log ${target.address} len ${log.maxLength} ${log.facility} ${log.level}`, 'log-send-hostname'],
        defaults: [log.format === undefined ? 'option httplog' : `log-format ${haproxyWord(log.format)}`, ...options],
        tlsFrontend: ['option tcplog'],
        httpFrontend,
      };
    case 'output':
      return {
        // Non-blocking writes: haproxy drops a line rather than wait when the router falls behind.
        global: [`log stdout len ${log.maxLength} format raw ${log.facility} ${log.level}`],
        // No error-log-format: with one, haproxy 2.6 also logs a line ("Success") for many connections that simply end.
        defaults: [`log-format ${log.format === undefined ? marked(HTTP_LOG_FORMAT) : `"${ACCESS_LOG_MARK} %pid %b "${haproxyWord(log.format)}`}`, ...options],
        tlsFrontend: [`log-format ${marked(TCP_LOG_FORMAT)}`],
        httpFrontend,
      };
  }
}
