import { Tag } from './der.ts';

/**
 * A minimal DER encoder: the handful of ASN.1 types a self-signed X.509
 * certificate needs. node:crypto can sign but cannot build certificates, and
 * pulling in an ASN.1 library for one certificate is not worth a dependency.
 */

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n % 256);
  return [0x80 | octets.length, ...octets];
}

/** One TLV with the given identifier octet around the concatenated contents. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(contents);
  return new Uint8Array(Buffer.concat([Uint8Array.from([tag, ...lengthOctets(body.length)]), body]));
}

export function sequence(...elements: readonly Uint8Array[]): Uint8Array {
  return tlv(Tag.SEQUENCE, ...elements);
}

export function set(...elements: readonly Uint8Array[]): Uint8Array {
  return tlv(Tag.SET, ...elements);
}

/** A non-negative INTEGER from big-endian magnitude bytes, made minimal and kept positive. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  const needsPad = trimmed.length === 0 || (trimmed[0] ?? 0) >= 0x80;
  return tlv(Tag.INTEGER, needsPad ? Uint8Array.of(0) : new Uint8Array(), trimmed);
}

export function boolean(value: boolean): Uint8Array {
  return tlv(Tag.BOOLEAN, Uint8Array.of(value ? 0xff : 0));
}

/** OBJECT IDENTIFIER from dotted-decimal text. */
export function objectId(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [40 * first + second, ...rest]) {
    const groups = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) groups.unshift(0x80 | (n % 128));
    out.push(...groups);
  }
  return tlv(Tag.OID, Uint8Array.from(out));
}

export function octetString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.OCTET_STRING, bytes);
}

/** BIT STRING of whole bytes (no unused bits), as signatures are. */
export function bitString(bytes: Uint8Array): Uint8Array {
  return tlv(Tag.BIT_STRING, Uint8Array.of(0), bytes);
}

export function utf8String(text: string): Uint8Array {
  return tlv(0x0c, Buffer.from(text, 'utf8'));
}

/**
 * X.509 Time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280
 * 4.1.2.5), always UTC and to the second.
 */
export function time(date: Date): Uint8Array {
  const digits = date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

/** `[n] EXPLICIT`: a constructed context tag around one element. */
export function explicit(n: number, element: Uint8Array): Uint8Array {
  return tlv(0xa0 | n, element);
}

/** `[n] IMPLICIT` for a primitive type: the context tag replaces the type's own. */
export function implicitPrimitive(n: number, contents: Uint8Array): Uint8Array {
  return tlv(0x80 | n, contents);
}
