/** The health checks that ask haproxy itself, each with at most one probe in flight however many requests ask. */
import { connect } from 'node:net';
import { errorMessage } from '../errors.ts';
import { socketCommand } from '../haproxy/runtime-api/socket-command.ts';
import { INTERNAL_HEALTH_PATH } from '../config/settings.ts';
import type { ListenOptions } from '../options.ts';
import type { HealthCheck } from './health.ts';

/** openshift-router's bound on each probe. */
const PROBE_TIMEOUT_MS = 2000;

/**
 * The probe URL as a failure names it, without the user and password it may
 * carry (ROUTER_BACKEND_CHECK_URL): a single check's failure goes to whoever
 * asks for it, with no credentials, as upstream's does.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return 'the probe URL';
  }
}

/**
 * Concurrent callers share the probe in flight: health requests need no credentials, so they must not multiply work.
 * `url`: named in failures only as shownUrl has it.
 */
function shared(name: string, url: string | undefined, probe: () => Promise<string | undefined>): HealthCheck {
  let inFlight: Promise<string | undefined> | undefined;
  return {
    name,
    run() {
      inFlight ??= probe()
        .catch((err: unknown) => errorMessage(err))
        .then((failure) => (url === undefined ? failure : failure?.replaceAll(url, shownUrl(url))))
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}

/** openshift-router's readiness URL: the public frontend's own health URI, where this host reaches it. */
export function publicHealthUrl(listen: ListenOptions): string {
  const bind = listen.bindAddress;
  const everyV6 = bind === '::' || (bind === '' && listen.ipMode === 'v6');
  const host = everyV6 ? '::1' : bind === '' || bind === '0.0.0.0' ? '127.0.0.1' : bind;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.httpPort}${INTERNAL_HEALTH_PATH}`;
}

/** `backend-http`: haproxy answers `url` (its public frontend's monitor URI by default) with 2xx or 3xx. */
export function httpBackendCheck(url: string): HealthCheck {
  return shared('backend-http', url, async () => {
    // A connection per probe, as upstream's: a kept-alive one would hold on to the worker that served it across reloads.
    const res = await fetch(url, { headers: { Connection: 'close' }, redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), tls: { rejectUnauthorized: false } });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 400 ? undefined : `${shownUrl(url)} answered ${res.status}`;
  });
}

/**
 * `backend-proxy-http`, upstream's probe when the public ports take the PROXY
 * protocol: `PROXY UNKNOWN` (the connection's own addresses stand), then a
 * plain HTTP/1.1 GET of `url`, which must be answered 2xx or 3xx.
 */
export function proxyHttpBackendCheck(url: string): HealthCheck {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(target.port || 80);
  const request = `PROXY UNKNOWN\r\nGET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nConnection: close\r\n\r\n`;
  return shared('backend-proxy-http', url, async () => {
    const status = await statusOverTcp(host, port, request);
    return status >= 200 && status < 400 ? undefined : `${shownUrl(url)} answered ${status}`;
  });
}

/** Sends `request` on a new connection and reads the status code of the answer's first line. */
function statusOverTcp(host: string, port: number, request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: PROBE_TIMEOUT_MS });
    let head = '';
    const done = (err: Error | undefined, status?: number) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(status ?? 0);
    };
    socket.once('connect', () => socket.write(request));
    socket.once('timeout', () => done(new Error(`no answer from ${host}:${port} within ${PROBE_TIMEOUT_MS}ms`)));
    socket.once('error', (err) => done(err));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const line = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (line) done(undefined, Number(line[1]));
      else if (head.includes('\n') || head.length > 1024) done(new Error(`not an HTTP answer from ${host}:${port}`));
    });
    socket.once('end', () => done(new Error(`${host}:${port} closed the connection without an answer`)));
  });
}

/** `admin-socket`: the worker answers `show version` on its admin socket, once the router has started haproxy. */
export function adminSocketCheck(adminSocket: string, haproxyStarted: () => boolean): HealthCheck {
  return shared('admin-socket', undefined, async () => {
    if (!haproxyStarted()) return undefined;
    const reply = await socketCommand(adminSocket, 'show version', PROBE_TIMEOUT_MS);
    return reply.trim() === '' ? 'empty reply to show version' : undefined;
  });
}
