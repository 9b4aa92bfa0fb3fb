/** The health checks that ask haproxy itself, each with at most one probe in flight however many requests ask. */
import { errorMessage } from '../errors.ts';
import { socketCommand } from '../haproxy/runtime-api/socket-command.ts';
import { INTERNAL_HEALTH_PATH } from '../config/settings.ts';
import type { ListenOptions } from '../options.ts';
import type { HealthCheck } from './health.ts';

/** openshift-router's bound on each probe. */
const PROBE_TIMEOUT_MS = 2000;

/** Concurrent callers share the probe in flight: health requests need no credentials, so they must not multiply work. */
function shared(name: string, probe: () => Promise<string | undefined>): HealthCheck {
  let inFlight: Promise<string | undefined> | undefined;
  return {
    name,
    run() {
      inFlight ??= probe()
        .catch((err: unknown) => errorMessage(err))
        .finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}

/** openshift-router's readiness URL: the public frontend's own health URI, where this host reaches it. */
export function publicHealthUrl(listen: ListenOptions): string {
  const bind = listen.bindAddress;
  const host = bind === '' || bind === '0.0.0.0' ? '127.0.0.1' : bind === '::' ? '::1' : bind;
  return `http://${host.includes(':') ? `[${host}]` : host}:${listen.httpPort}${INTERNAL_HEALTH_PATH}`;
}

/** `backend-http`: haproxy answers `url` (its public frontend's monitor URI by default) with 2xx or 3xx. */
export function httpBackendCheck(url: string): HealthCheck {
  return shared('backend-http', async () => {
    // A connection per probe, as upstream's: a kept-alive one would hold on to the worker that served it across reloads.
    const res = await fetch(url, { headers: { Connection: 'close' }, redirect: 'manual', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), tls: { rejectUnauthorized: false } });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 400 ? undefined : `${url} answered ${res.status}`;
  });
}

/** `admin-socket`: the worker answers `show version` on its admin socket, once the router has started haproxy. */
export function adminSocketCheck(adminSocket: string, haproxyStarted: () => boolean): HealthCheck {
  return shared('admin-socket', async () => {
    if (!haproxyStarted()) return undefined;
    const reply = await socketCommand(adminSocket, 'show version', PROBE_TIMEOUT_MS);
    return reply.trim() === '' ? 'empty reply to show version' : undefined;
  });
}
