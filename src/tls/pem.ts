import { quoteForMessage } from '../domain/quote.ts';
import { InvalidTlsData } from './invalid-data.ts';

/**
 * PEM framing for the certificate fields of a Route.
 *
 * These fields end up verbatim in files haproxy parses (`crt`, `ca-file`), so
 * the router never writes what the user sent: it decodes the blocks it knows
 * and writes them back in canonical form. Text between blocks (Bag Attributes,
 * comments, or an attempt at `bind :1`) is dropped; anything that looks like a
 * PEM marker but is not a well-formed known block is an error, because
 * guessing what a broken block meant could silently drop a certificate.
 */

/** The block types kept after decoding. */
export type PemType = 'CERTIFICATE' | 'PRIVATE KEY' | 'RSA PRIVATE KEY' | 'EC PRIVATE KEY';

export interface PemBlock {
  readonly type: PemType;
  readonly der: Uint8Array;
}

const KEPT: ReadonlySet<string> = new Set<PemType>(['CERTIFICATE', 'PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);
/** OpenSSL writes these before EC keys; the key itself names its curve, so they carry nothing. */
const DROPPED: ReadonlySet<string> = new Set(['EC PARAMETERS']);

const BEGIN = /^-----BEGIN ([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)-----$/;
const END = /^-----END ([\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)-----$/;
const MARKER = /^-----(?:BEGIN|END)\b/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A block type for an error message: types are user text, so clip them. */
export function quotePemType(type: string): string {
  return quoteForMessage(type, 40);
}

/**
 * Decodes every PEM block in `text`, in order, dropping text outside blocks
 * and `EC PARAMETERS` blocks. Throws `InvalidTlsData` on an unknown block
 * type, a marker outside its place, PEM headers (encrypted keys) or base64
 * that is not canonical.
 */
export function decodePem(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  let open: { type: string; body: string[] } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (open === undefined) {
      const begin = BEGIN.exec(line);
      if (begin?.[1] !== undefined) open = { type: begin[1], body: [] };
      else if (MARKER.test(line)) throw new InvalidTlsData('malformed PEM data: unexpected marker outside a PEM block');
      continue;
    }
    const end = END.exec(line);
    if (end !== null) {
      if (end[1] !== open.type) throw new InvalidTlsData(`malformed PEM block ${quotePemType(open.type)}: mismatched END line`);
      const block = finishBlock(open.type, open.body.join(''));
      if (block !== undefined) blocks.push(block);
      open = undefined;
    } else if (line.includes(':')) {
      throw new InvalidTlsData(`PEM block ${quotePemType(open.type)} has headers: encrypted PEM is not supported`);
    } else {
      open.body.push(line);
    }
  }
  if (open !== undefined) throw new InvalidTlsData(`malformed PEM block ${quotePemType(open.type)}: missing END line`);
  return blocks;
}

function finishBlock(type: string, base64: string): PemBlock | undefined {
  if (!KEPT.has(type) && !DROPPED.has(type)) throw new InvalidTlsData(`unrecognized PEM block ${quotePemType(type)}`);
  const der = Buffer.from(base64, 'base64');
  // Node's decoder skips invalid characters and tolerates bad padding, so
  // only a pattern match plus an exact round trip proves the text was base64.
  if (!BASE64.test(base64) || der.toString('base64') !== base64) {
    throw new InvalidTlsData(`malformed PEM block ${quotePemType(type)}: invalid base64`);
  }
  return DROPPED.has(type) ? undefined : { type: type as PemType, der: new Uint8Array(der) };
}

/** Encodes blocks the way Go's `pem.Encode` and OpenSSL do: 64-column base64, LF line ends. */
export function encodePem(blocks: readonly PemBlock[]): string {
  let out = '';
  for (const block of blocks) {
    const base64 = Buffer.from(block.der).toString('base64');
    out += `-----BEGIN ${block.type}-----\n`;
    for (let i = 0; i < base64.length; i += 64) out += `${base64.slice(i, i + 64)}\n`;
    out += `-----END ${block.type}-----\n`;
  }
  return out;
}
