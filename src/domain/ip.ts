/**
 * One strict reading of IP literals, so the router and haproxy agree on what
 * an address is. haproxy reads a server address with inet_pton and, when
 * that fails, with getaddrinfo: inet_aton's octal, hex and shorthand forms
 * (`010.0.0.1` is 8.0.0.1, `127.1` and `2130706433` are loopback), then DNS
 * (`08.0.0.1`). Only text inet_pton takes is an address here, read the way
 * inet_pton reads it:
 * - IPv4: four decimal octets, no leading zeros, also as IPv6's dotted tail;
 * - IPv6: hex groups of one to four digits, in either case, one `::` at
 *   most; no zone ID (`%eth0`), no whitespace.
 * Every parser reads an IPv6 spelling the same way, so the other spellings
 * (`0:0::1`, `FD00::A`) are written back in RFC 5952 form rather than
 * refused; an IPv4 octet with a leading zero has two readings and is refused.
 */

export interface IpAddress {
  /** 16 bytes, IPv4 mapped into ::ffff:0:0/96 as Go's net.ParseIP does (the sort order upstream uses). */
  readonly bytes: Uint8Array;
  /** How the address was written: IPv4 dotted quad, or IPv6 (IPv4-mapped included). */
  readonly family: 4 | 6;
}

/** A dotted quad as inet_pton reads it: four decimal octets of at most 255, no leading zeros. */
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4), family: 4 };
  const v6 = parseIPv6(text);
  return v6 ? { bytes: v6, family: 6 } : undefined;
}

/**
 * The canonical text of an address (dotted decimal, or RFC 5952), or
 * undefined when `text` is not one: `text` itself when it is canonical
 * already (an endpoint's nearly always), so what is built from it shares
 * the slice's string rather than holding a copy of its own.
 */
export function canonicalIp(text: string): string | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  // A dotted quad is read only in the one form it is written in.
  if (ip.family === 4) return text;
  const canonical = formatIp(ip);
  return canonical === text ? text : canonical;
}

/** The 16-byte form of an IPv4 or IPv6 address, or undefined when it is neither. */
export function ipBytes(text: string): Uint8Array | undefined {
  return parseIp(text)?.bytes;
}

/** The IPv4 octets a connection to `ip` reaches: an IPv4 address, or an IPv4-mapped IPv6 one (::ffff:a.b.c.d). */
export function reachedIPv4(ip: IpAddress): number[] | undefined {
  const b = ip.bytes;
  const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? [...b.slice(12)] : undefined;
}

/** The address a connection reaches, as text: IPv4-mapped addresses as their IPv4 address. Host addresses are compared by it. */
export function reachedText(ip: IpAddress): string {
  return reachedIPv4(ip)?.join('.') ?? formatIp(ip);
}

export function formatIp(ip: IpAddress): string {
  const v4 = reachedIPv4(ip);
  if (v4 && ip.family === 4) return v4.join('.');
  if (v4) return `::ffff:${v4.join('.')}`;
  const groups = Array.from({ length: 8 }, (_, i) => ((ip.bytes[2 * i] ?? 0) << 8) | (ip.bytes[2 * i + 1] ?? 0));
  const hex = groups.map((g) => g.toString(16));
  const run = longestZeroRun(groups);
  // RFC 5952 4.2.2: a single zero group is not compressed.
  if (run.length < 2) return hex.join(':');
  return `${hex.slice(0, run.start).join(':')}::${hex.slice(run.start + run.length).join(':')}`;
}

/** The first of the longest runs of zero groups (RFC 5952 4.2.3). */
function longestZeroRun(groups: number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  for (let i = 0; i < groups.length; ) {
    let end = i;
    while (groups[end] === 0) end++;
    if (end - i > best.length) best = { start: i, length: end - i };
    i = Math.max(end, i + 1);
  }
  return best;
}

function parseIPv4(text: string): number[] | undefined {
  const m = DOTTED_QUAD.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])] : undefined;
}

function parseIPv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const compressed = halves.length === 2;
  const head = groups(halves[0] ?? '', !compressed);
  const tail = compressed ? groups(halves[1] ?? '', true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  // "::" stands for at least one zero group; without it all eight must be written.
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  all.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/** 16-bit groups of one side of "::"; a dotted quad counts as two groups, and only at the very end of the address. */
function groups(text: string, last: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const out: number[] = [];
  for (const [i, p] of parts.entries()) {
    if (last && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIPv4(p);
      if (!v4) return undefined;
      const [a = 0, b = 0, c = 0, d = 0] = v4;
      out.push((a << 8) | b, (c << 8) | d);
    } else if (HEX_GROUP.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return out;
}
