import { checkServerRef, serverKey } from '../domain/names.ts';
import type { BackendModel, CheckServerModel, ServerModel } from './model.ts';

/** haproxy takes IPv6 addresses in brackets so the port separator is unambiguous. */
export function serverAddress(s: Pick<ServerModel, 'ip' | 'port'>): string {
  return s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

function tlsOptions(backend: Pick<BackendModel, 'serverTls'>): string {
  const tls = backend.serverTls;
  if (!tls) return '';
  const ssl = tls.alpn ? ' ssl alpn h2,http/1.1' : ' ssl';
  if (tls.verify === 'none') return `${ssl} verify none`;
  return `${ssl}${tls.verifyHost ? ` verifyhost ${tls.verifyHost}` : ''} verify required ca-file ${tls.caFile}`;
}

/**
 * `track <check backend>/<slot>` by slot: every server line names one, and
 * thousands of lines follow the same few thousand slots. Bounded: when full
 * the table starts over.
 */
const MAX_TRACK_OPTIONS = 1 << 16;
const trackOptions = new Map<string, string>();

function trackOption(slot: string): string {
  const known = trackOptions.get(slot);
  if (known !== undefined) return known;
  if (trackOptions.size >= MAX_TRACK_OPTIONS) trackOptions.clear();
  const made = `track ${serverKey(checkServerRef(slot))}`;
  trackOptions.set(slot, made);
  return made;
}

/**
 * The options after `server <name> <addr>`. Built in one place so the config
 * file and the runtime `add server` command can never disagree. `track` is
 * the check slot the server follows: it runs no check
 * of its own, so one check per endpoint serves every route that uses it.
 * haproxy 2.6 gives servers added at runtime no idle connection pool
 * (`pool-max-conn`, `pool-purge-delay`); config servers default to these.
 */
export function serverOptions(backend: Pick<BackendModel, 'serverTls' | 'serverMaxConn'>, s: Pick<ServerModel, 'weight'>, track: string): string {
  const maxConn = backend.serverMaxConn === undefined ? '' : ` maxconn ${backend.serverMaxConn}`;
  return `weight ${s.weight}${tlsOptions(backend)} ${trackOption(track)}${maxConn} pool-max-conn -1 pool-purge-delay 5s`;
}

/** `<name> <addr> <options>`: the text after the `server` keyword. */
export function serverLine(backend: Pick<BackendModel, 'serverTls' | 'serverMaxConn'>, s: ServerModel, track: string): string {
  return `${s.name} ${serverAddress(s)} ${serverOptions(backend, s, track)}`;
}

/** Where a free check slot points until an endpoint takes it over: nowhere, and it is in maintenance. */
const FREE_SLOT_ADDRESS = '0.0.0.0:0';

/**
 * A check server's line. Checks are a TCP connect, or for pods that talk
 * TLS a handshake that does not verify the pod's certificate. A free slot
 * is `disabled` (maintenance): its check does not run until an endpoint
 * takes it. Inactive checks are switched off after the load (see
 * plan/worker-check.ts).
 */
export function checkServerLine(c: CheckServerModel): string {
  const parts = [c.name, c.target === undefined ? FREE_SLOT_ADDRESS : serverAddress(c.target), `check inter ${c.intervalMs}ms`];
  if (c.tls) parts.push('check-ssl verify none');
  if (c.target === undefined) parts.push('disabled');
  return parts.join(' ');
}
