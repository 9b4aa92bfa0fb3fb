import { connect } from 'node:tls';

/**
 * A bare HTTP/2 client over TLS that sends header fields exactly as given:
 * several `host` fields, a `host` beside `:authority`, commas in
 * `:authority`. Node's and Bun's http2 clients refuse or merge such
 * requests, and these are the requests a router has to survive.
 */
export interface H2Answer {
  /** Undefined when the server reset the stream or closed the connection instead of answering. */
  status: number | undefined;
  body: string;
  /** RST_STREAM or GOAWAY error code, when the server sent one. */
  errorCode: number | undefined;
}

const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 } as const;
const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 } as const;
/** HPACK static table entries for `:status` (RFC 7541 appendix A). */
const STATIC_STATUS: Readonly<Record<number, number>> = { 8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500 };
const STATUS_NAME_INDEX = 8;

/** An HPACK integer with a 7-bit prefix (RFC 7541 5.1). */
function hpackInt(n: number): Buffer {
  if (n < 127) return Buffer.from([n]);
  const out = [127];
  for (n -= 127; n >= 128; n >>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

/** A literal header field without indexing, with a literal name, no Huffman coding (RFC 7541 6.2.2). */
function literalField(name: string, value: string): Buffer {
  const n = Buffer.from(name);
  const v = Buffer.from(value);
  return Buffer.concat([Buffer.from([0x00]), hpackInt(n.length), n, hpackInt(v.length), v]);
}

function frame(type: number, flags: number, stream: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head.writeUIntBE(payload.length, 0, 3);
  head[3] = type;
  head[4] = flags;
  head.writeUInt32BE(stream, 5);
  return Buffer.concat([head, payload]);
}

/** The `:status` a response's header block starts with: static-table indexed, or a literal with the `:status` name. */
function statusOf(block: Buffer): number | undefined {
  const first = block[0] ?? 0;
  if (first & 0x80) return STATIC_STATUS[first & 0x7f];
  const nameIndex = first & 0x40 ? first & 0x3f : first & 0x0f;
  if (nameIndex !== STATUS_NAME_INDEX) return undefined;
  const length = (block[1] ?? 0) & 0x7f;
  return Number(block.subarray(2, 2 + length).toString());
}

/**
 * One request on stream 1 of a fresh TLS connection offering only h2;
 * `fields` are sent in order (pseudo-header fields first, as the client
 * gives them). The server certificate is not verified.
 */
export function h2Request(port: number, servername: string, fields: readonly (readonly [string, string])[]): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    let pending = Buffer.alloc(0);
    let status: number | undefined;
    let body = '';
    const socket = connect({ host: '127.0.0.1', port, servername, ALPNProtocols: ['h2'], rejectUnauthorized: false }, () => {
      if (socket.alpnProtocol !== 'h2') return reject(new Error(`the server did not choose h2 (ALPN: ${String(socket.alpnProtocol)})`));
      const block = Buffer.concat(fields.map(([name, value]) => literalField(name, value)));
      socket.write(
        Buffer.concat([
          Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
          frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0)),
          frame(FRAME.HEADERS, FLAG.END_STREAM | FLAG.END_HEADERS, 1, block),
        ]),
      );
    });
    const finish = (errorCode?: number) => {
      socket.destroy();
      resolve({ status, body, errorCode });
    };
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const length = pending.readUIntBE(0, 3);
        if (pending.length < 9 + length) break;
        const [type, flags] = [pending[3], pending[4] ?? 0];
        const stream = pending.readUInt32BE(5) & 0x7fffffff;
        const payload = pending.subarray(9, 9 + length);
        pending = pending.subarray(9 + length);
        if (type === FRAME.SETTINGS && !(flags & FLAG.ACK)) socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0, Buffer.alloc(0)));
        if (type === FRAME.GOAWAY) return finish(payload.readUInt32BE(4));
        if (stream !== 1) continue;
        if (type === FRAME.RST_STREAM) return finish(payload.readUInt32BE(0));
        if (type === FRAME.HEADERS) status ??= statusOf(payload);
        if (type === FRAME.DATA) body += payload.toString();
        if ((type === FRAME.HEADERS || type === FRAME.DATA) && flags & FLAG.END_STREAM) return finish();
      }
    });
    socket.once('error', reject);
    socket.once('end', () => finish());
  });
}
