import { cidrContains, type Cidr } from '../domain/cidr.ts';
import { ipBytes, parseIp, reachedIPv4, reachedText, type IpAddress } from '../domain/ip.ts';

/** Cloud metadata and platform endpoints that must never be reachable through a route. */
const METADATA_V4: readonly (readonly number[])[] = [
  [169, 254, 169, 254],
  [168, 63, 129, 16],
  // Alibaba Cloud's metadata service.
  [100, 100, 100, 200],
];
const METADATA_V6 = ipBytes('fd00:ec2::254');

function v4Restriction(a: readonly number[]): string | undefined {
  const [o1 = 0, o2 = 0] = a;
  // Linux connects 0.0.0.0 to the host itself; the rest of 0/8 ("this network") is no pod's.
  if (o1 === 0) return 'unspecified';
  if (o1 === 127) return 'loopback';
  if (METADATA_V4.some((m) => m.every((x, i) => x === a[i]))) return 'cloud metadata';
  if (o1 === 169 && o2 === 254) return 'link-local';
  if (o1 >= 224 && o1 <= 239) return 'multicast';
  return undefined;
}

function v6Restriction(b: Uint8Array): string | undefined {
  if (b.slice(0, 12).every((x) => x === 0)) {
    const last = b.slice(12);
    if (last.every((x) => x === 0)) return 'unspecified';
    if (last.slice(0, 3).every((x) => x === 0) && last[3] === 1) return 'loopback';
    // IPv4-compatible (::a.b.c.d) is deprecated, and with the sit module loaded Linux tunnels it to the IPv4 address.
    return 'IPv4-compatible';
  }
  if (METADATA_V6 && b.every((x, i) => x === METADATA_V6[i])) return 'cloud metadata';
  if (b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80) return 'link-local';
  if (b[0] === 0xff) return 'multicast';
  return undefined;
}

/** What kind of address no endpoint from the API may use (loopback, metadata, ...), checked as the IPv4 address an IPv4-mapped one reaches. */
export function restriction(ip: IpAddress): string | undefined {
  const v4 = reachedIPv4(ip);
  return v4 ? v4Restriction(v4) : v6Restriction(ip.bytes);
}

/** Why haproxy would read `text` differently from the router, or undefined when it is an address both read alike. */
export function syntaxRefusal(text: string): string | undefined {
  return parseIp(text) ? undefined : 'not an IP address as haproxy reads it (IPv4: four decimal octets without leading zeros; no zone IDs or spaces)';
}

/** The host's own addresses, as `reachedText` writes them, and its local ranges (`ip route add local ...`). */
export interface HostAddresses {
  readonly addresses: ReadonlySet<string>;
  readonly ranges: readonly Cidr[];
}

export const NO_HOST_ADDRESSES: HostAddresses = { addresses: new Set(), ranges: [] };

/** What the operator lets endpoints from the API reach. */
export interface EndpointPolicy {
  /** --allow-loopback-endpoints: loopback is then allowed whatever the other rules say. */
  readonly allowLoopback: boolean;
  /** --allow-host-endpoints. */
  readonly allowHost: boolean;
  /** --endpoint-cidrs; empty: no restriction. */
  readonly cidrs: readonly Cidr[];
}

/**
 * Why an endpoint address from the API must not become a server, or
 * undefined when it may. A user who can write EndpointSlices must not make
 * the router connect to its host's services or to metadata services, in
 * any spelling of those addresses (IPv4-mapped IPv6 included).
 */
export function apiRefusal(text: string, host: HostAddresses, policy: EndpointPolicy): string | undefined {
  const ip = parseIp(text);
  if (!ip) return syntaxRefusal(text);
  const kind = restriction(ip);
  if (kind === 'loopback' && policy.allowLoopback) return undefined;
  if (kind === 'loopback') return 'loopback address (--allow-loopback-endpoints allows it)';
  if (kind) return `${kind} address`;
  if (!policy.allowHost && (host.addresses.has(reachedText(ip)) || host.ranges.some((r) => cidrContains(r, ip)))) {
    return 'an address of this host (--allow-host-endpoints allows it)';
  }
  if (policy.cidrs.length > 0 && !policy.cidrs.some((c) => cidrContains(c, ip))) return `outside --endpoint-cidrs ${policy.cidrs.map((c) => c.text).join(',')}`;
  return undefined;
}
