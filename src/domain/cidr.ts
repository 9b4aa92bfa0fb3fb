/**
 * CIDR ranges (--endpoint-cidrs, the host's local ranges) over the strict
 * addresses of ip.ts. An IPv4 address and its IPv4-mapped IPv6 form reach
 * the same host, so both are matched against IPv4 ranges only; IPv6 ranges
 * match the other IPv6 addresses.
 */
import { formatIp, parseIp, reachedIPv4, type IpAddress } from './ip.ts';

export interface Cidr {
  /** Canonical text, e.g. `10.128.0.0/14`, `fd00::/48`. */
  readonly text: string;
  readonly family: 4 | 6;
  /** The network's bytes: 4 for IPv4, 16 for IPv6. */
  readonly bytes: Uint8Array;
  readonly bits: number;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/**
 * @param hostBits what to do with bits set past the prefix: refuse them
 *   (an operator's range, where they are a typo), or mask them off as Go's
 *   ParseCIDR and haproxy do (a tenant's allowlist, read as upstream reads it)
 */
export function parseCidr(text: string, hostBits: 'refuse' | 'mask' = 'refuse'): { ok: true; cidr: Cidr } | { ok: false; error: string } {
  const slash = text.indexOf('/');
  const ip = slash < 0 ? undefined : parseIp(text.slice(0, slash));
  const prefix = text.slice(slash + 1);
  if (!ip || !PREFIX.test(prefix)) return { ok: false, error: `invalid CIDR "${text}" (want e.g. 10.128.0.0/14 or fd00::/48)` };
  const v4 = ip.family === 4 ? reachedIPv4(ip) : undefined;
  if (ip.family === 6 && reachedIPv4(ip)) return { ok: false, error: `"${text}": write IPv4-mapped ranges as IPv4 CIDRs` };
  const bytes = v4 ? Uint8Array.from(v4) : ip.bytes;
  const bits = Number(prefix);
  if (bits > bytes.length * 8) return { ok: false, error: `"${text}": the prefix length is at most ${bytes.length * 8}` };
  const network = masked(bytes, bits);
  if (hostBits === 'refuse' && !network.every((b, i) => b === bytes[i])) {
    return { ok: false, error: `"${text}" has bits set past its prefix (did you mean ${cidrText(network, bits)}?)` };
  }
  return { ok: true, cidr: { text: cidrText(network, bits), family: v4 ? 4 : 6, bytes: network, bits } };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  const v4 = reachedIPv4(ip);
  const bytes = v4 ? Uint8Array.from(v4) : ip.bytes;
  if ((v4 ? 4 : 6) !== cidr.family) return false;
  return masked(bytes, cidr.bits).every((b, i) => b === cidr.bytes[i]);
}

function masked(bytes: Uint8Array, bits: number): Uint8Array {
  return bytes.map((b, i) => {
    const keep = Math.min(8, Math.max(0, bits - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

function cidrText(bytes: Uint8Array, bits: number): string {
  const ip: IpAddress = bytes.length === 4 ? { bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...bytes), family: 4 } : { bytes, family: 6 };
  return `${formatIp(ip)}/${bits}`;
}
