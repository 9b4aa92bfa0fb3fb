/**
 * Where the health and metrics endpoints listen, with upstream's precedence:
 * --listen-addr (its port overrides --stats-port), else --stats-port on
 * every address, else nowhere (upstream binds haproxy's :1936 then; a bare
 * host gets no port it did not ask for).
 */
import { parseIp, reachedIPv4, formatIp } from '../domain/ip.ts';

export interface ListenAddress {
  /** An IP literal; "" is every address. */
  readonly host: string;
  readonly port: number;
}

export type ListenAddressParse = { ok: true; address: ListenAddress } | { ok: false; error: string };

/** `HOST:PORT`, `[IPv6]:PORT` or `:PORT`, as Go's net.SplitHostPort reads it; the host must be an IP address or localhost. */
export function parseListenAddress(text: string): ListenAddressParse {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):([0-9]+)$/.exec(text);
  const want = 'want HOST:PORT with an IP address or localhost, [IPv6]:PORT, or :PORT';
  if (!match) return { ok: false, error: `invalid value "${text}" (${want})` };
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, error: `invalid port in "${text}" (want 1 to 65535)` };
  const written = match[1] ?? match[2] ?? '';
  if (written === '' || written === 'localhost') return { ok: true, address: { host: written === '' ? '' : '127.0.0.1', port } };
  const ip = parseIp(written);
  // A bracketed host must be IPv6 and a bare one IPv4, as in a URL.
  if (!ip || (match[1] !== undefined) !== (ip.family === 6)) return { ok: false, error: `invalid value "${text}" (${want})` };
  return { ok: true, address: { host: formatIp(ip), port } };
}

/** The resolved address, or undefined when nothing is to listen. */
export function statsListenAddress(listenAddr: string | undefined, statsPort: number | undefined): ListenAddress | undefined {
  if (listenAddr !== undefined) {
    const parsed = parseListenAddress(listenAddr);
    return parsed.ok ? parsed.address : undefined;
  }
  return statsPort ? { host: '', port: statsPort } : undefined;
}

/** Whether only this host can reach `host` (127.0.0.0/8, ::1, or their IPv4-mapped forms). */
export function isLoopbackHost(host: string): boolean {
  const ip = parseIp(host);
  if (!ip) return false;
  const v4 = reachedIPv4(ip);
  if (v4) return v4[0] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** `host:port` as a URL or haproxy's bind line writes it. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
