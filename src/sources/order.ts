/**
 * Address order for the sources. It fixes the order of `server` lines in
 * haproxy.config, so it follows upstream (Go) semantics: upstream sorts
 * addresses by the bytes of Go's `net.ParseIP` (the 16-byte form, IPv4
 * mapped into ::ffff:0:0/96).
 */
import { compareText } from '../domain/compare.ts';
import { ipBytes } from '../domain/ip.ts';

/** Negative, zero or positive like a sort comparator; unparsable addresses sort first, then by text. */
export function compareIPs(a: string, b: string): number {
  return compareParsedIPs(ipBytes(a), a, ipBytes(b), b);
}

/** compareIPs on addresses already parsed (`ba`, `bb`: their 16-byte forms, undefined when unparsable). */
export function compareParsedIPs(ba: Uint8Array | undefined, a: string, bb: Uint8Array | undefined, b: string): number {
  if (ba && bb) {
    for (let i = 0; i < 16; i++) {
      const d = (ba[i] ?? 0) - (bb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (ba) return 1;
  if (bb) return -1;
  return compareText(a, b);
}
