import { InvalidTlsData } from './invalid-data.ts';

/**
 * A minimal DER reader: just enough ASN.1 to walk an X.509 certificate for
 * the fields node:crypto does not expose (raw issuer and subject names, key
 * identifiers). It accepts DER only (definite, minimal lengths; low tag
 * numbers), which is what certificates are signed over; anything else is
 * reported as a malformed certificate rather than guessed at.
 */

/** Identifier octets used by X.509 (class and constructed bits included). */
export const Tag = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** `[0]` IMPLICIT primitive, as in AuthorityKeyIdentifier.keyIdentifier. */
  CONTEXT_0: 0x80,
  /** `[0]` EXPLICIT, as in TBSCertificate.version. */
  CONTEXT_0_CONSTRUCTED: 0xa0,
  /** `[3]` EXPLICIT, as in TBSCertificate.extensions. */
  CONTEXT_3_CONSTRUCTED: 0xa3,
} as const;

/** One TLV: its identifier octet, its whole encoding and its contents (views, not copies). */
export interface DerNode {
  readonly tag: number;
  readonly encoded: Uint8Array;
  readonly content: Uint8Array;
}

function malformed(): InvalidTlsData {
  return new InvalidTlsData('x509: malformed certificate');
}

function readAt(buf: Uint8Array, offset: number): DerNode {
  const tag = buf[offset];
  const first = buf[offset + 1];
  if (tag === undefined || first === undefined || (tag & 0x1f) === 0x1f) throw malformed();
  let length = first;
  let headerLength = 2;
  if (first & 0x80) {
    const octets = first & 0x7f;
    // 0x80 is BER's indefinite length; more than 4 octets cannot fit in memory anyway.
    if (octets === 0 || octets > 4) throw malformed();
    length = 0;
    for (let i = 0; i < octets; i++) {
      const b = buf[offset + 2 + i];
      if (b === undefined || (i === 0 && b === 0)) throw malformed();
      length = length * 256 + b;
    }
    if (length < 0x80) throw malformed();
    headerLength += octets;
  }
  const end = offset + headerLength + length;
  if (end > buf.length) throw malformed();
  return { tag, encoded: buf.subarray(offset, end), content: buf.subarray(offset + headerLength, end) };
}

/** Reads `buf` as exactly one DER element; trailing bytes are an error. */
export function readDer(buf: Uint8Array): DerNode {
  const node = readAt(buf, 0);
  if (node.encoded.length !== buf.length) throw malformed();
  return node;
}

/** The elements inside a constructed node, in order. */
export function childrenOf(node: DerNode): DerNode[] {
  const children: DerNode[] = [];
  for (let offset = 0; offset < node.content.length; ) {
    const child = readAt(node.content, offset);
    children.push(child);
    offset += child.encoded.length;
  }
  return children;
}

/** Throws unless `node` exists and has tag `tag`; narrows away `undefined` for indexed access. */
export function expectTag(node: DerNode | undefined, tag: number): DerNode {
  if (node === undefined || node.tag !== tag) throw malformed();
  return node;
}

/** Dotted-decimal form of an OBJECT IDENTIFIER node. */
export function decodeOid(node: DerNode): string {
  const bytes = expectTag(node, Tag.OID).content;
  const arcs: number[] = [];
  let value = 0;
  for (const [i, b] of bytes.entries()) {
    // A leading 0x80 would be a non-minimal arc encoding.
    if (value === 0 && b === 0x80) throw malformed();
    value = value * 128 + (b & 0x7f);
    if (b & 0x80) {
      if (i === bytes.length - 1) throw malformed();
      continue;
    }
    if (arcs.length === 0) {
      // The first subidentifier packs two arcs: 40 * first + second, with first <= 2.
      const first = Math.min(2, Math.floor(value / 40));
      arcs.push(first, value - 40 * first);
    } else {
      arcs.push(value);
    }
    value = 0;
  }
  if (arcs.length === 0) throw malformed();
  return arcs.join('.');
}
