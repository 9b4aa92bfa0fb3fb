import { ipBytes } from '../domain/ip.ts';
import type { AddressFilter } from './route-servers.ts';

/** Cloud metadata and platform endpoints that must never be reachable through a route. */
const METADATA_V4: readonly (readonly number[])[] = [
  [169, 254, 169, 254],
  [168, 63, 129, 16],
  // Alibaba Cloud's metadata service.
  [100, 100, 100, 200],
];
const METADATA_V6 = ipBytes('fd00:ec2::254');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address. */
function embeddedV4(b: Uint8Array): number[] | undefined {
  const prefixZero = b.slice(0, 10).every((x) => x === 0);
  if (!prefixZero) return undefined;
  const mapped = b[10] === 0xff && b[11] === 0xff;
  const compatible = b[10] === 0 && b[11] === 0 && !(b[12] === 0 && b[13] === 0 && b[14] === 0);
  return mapped || compatible ? [...b.slice(12)] : undefined;
}

function v4Restriction(a: readonly number[]): string | undefined {
  const [o1 = 0, o2 = 0] = a;
  if (a.every((x) => x === 0)) return 'unspecified';
  if (o1 === 127) return 'loopback';
  if (METADATA_V4.some((m) => m.every((x, i) => x === a[i]))) return 'cloud metadata';
  if (o1 === 169 && o2 === 254) return 'link-local';
  if (o1 >= 224 && o1 <= 239) return 'multicast';
  return undefined;
}

function v6Restriction(b: Uint8Array): string | undefined {
  if (b.every((x) => x === 0)) return 'unspecified';
  if (b.slice(0, 15).every((x) => x === 0) && b[15] === 1) return 'loopback';
  if (METADATA_V6 && b.every((x, i) => x === METADATA_V6[i])) return 'cloud metadata';
  if (b[0] === 0xfe && ((b[1] ?? 0) & 0xc0) === 0x80) return 'link-local';
  if (b[0] === 0xff) return 'multicast';
  return undefined;
}

/**
 * Why an endpoint address from the API must not become a server, or
 * undefined when it may. A user who can write EndpointSlices must not make
 * the router connect to its own host's ports or to metadata services, in
 * any spelling of those addresses (IPv4-mapped IPv6 included).
 */
export function restrictedAddress(ip: string): string | undefined {
  const b = ipBytes(ip);
  if (!b) return 'not an IP address';
  const v4 = embeddedV4(b);
  return v4 ? v4Restriction(v4) : v6Restriction(b);
}

/** The filter for endpoints from the API; loopback only when the operator allowed it (tests, single-host setups). */
export function apiEndpointFilter(opts: { allowLoopback: boolean }): AddressFilter {
  return (ip) => {
    const reason = restrictedAddress(ip);
    return reason === undefined || (opts.allowLoopback && reason === 'loopback');
  };
}
