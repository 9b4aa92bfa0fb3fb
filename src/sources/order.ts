/**
 * Orderings shared by the sources. They fix the order of `server` lines in
 * haproxy.config, so they follow upstream (Go) semantics rather than the
 * locale: upstream sorts addresses by the bytes of Go's `net.ParseIP` (the
 * 16-byte form, IPv4 mapped into ::ffff:0:0/96) and text by code unit.
 */
import { ipBytes } from '../domain/ip.ts';

/** Code-unit order, like Go's string comparison (localeCompare would depend on the locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative, zero or positive like a sort comparator; unparsable addresses sort first, then by text. */
export function compareIPs(a: string, b: string): number {
  const ba = ipBytes(a);
  const bb = ipBytes(b);
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
