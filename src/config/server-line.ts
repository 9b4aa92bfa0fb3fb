import type { BackendModel, ServerModel } from './model.ts';

/** haproxy takes IPv6 addresses in brackets so the port separator is unambiguous. */
export function serverAddress(s: Pick<ServerModel, 'ip' | 'port'>): string {
  return s.ip.includes(':') ? `[${s.ip}]:${s.port}` : `${s.ip}:${s.port}`;
}

function tlsOptions(backend: Pick<BackendModel, 'serverTls'>): string[] {
  const tls = backend.serverTls;
  if (!tls) return [];
  const parts = ['ssl'];
  if (tls.alpn) parts.push('alpn h2,http/1.1');
  if (tls.verify === 'none') return [...parts, 'verify none'];
  if (tls.verifyHost) parts.push(`verifyhost ${tls.verifyHost}`);
  return [...parts, 'verify required', `ca-file ${tls.caFile}`];
}

/**
 * The options after `server <name> <addr>`. Built in one place so the config
 * file and the runtime `add server` command can never disagree.
 */
export function serverOptions(backend: Pick<BackendModel, 'checkIntervalMs' | 'serverTls'>, s: Pick<ServerModel, 'weight'>): string {
  // Every server declares its check, so it can be switched on live when the backend gains a second server
  // (haproxy cannot enable a check that was never declared); lone servers get it switched off after each load.
  const parts = [`weight ${s.weight}`, ...tlsOptions(backend), `check inter ${backend.checkIntervalMs}ms`];
  // A server added at runtime does not infer a TLS check from `ssl`.
  if (backend.serverTls) parts.push('check-ssl');
  // haproxy 2.6 gives servers added at runtime no idle connection pool; config servers default to these.
  parts.push('pool-max-conn -1', 'pool-purge-delay 5s');
  return parts.join(' ');
}

/** `<name> <addr> <options>`: the text after the `server` keyword. */
export function serverLine(backend: Pick<BackendModel, 'checkIntervalMs' | 'serverTls'>, s: ServerModel): string {
  return `${s.name} ${serverAddress(s)} ${serverOptions(backend, s)}`;
}
