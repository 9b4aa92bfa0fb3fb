import { connect, type PeerCertificate } from 'node:tls';

export interface TlsAnswer {
  /** Undefined when the handshake itself failed (e.g. strict SNI refused it). */
  status: number | undefined;
  body: string;
  headers: Record<string, string>;
  /** Subject CN and SANs of the certificate the server presented. */
  peerCN: string | undefined;
  peerSAN: string | undefined;
  alpn: string | false | undefined;
  error: string | undefined;
}

function cnOf(peer: PeerCertificate | undefined): string | undefined {
  const cn = peer?.subject?.CN;
  return Array.isArray(cn) ? cn.join(',') : cn;
}

/**
 * One HTTPS/1.1 request over a raw TLS socket, so SNI (or none), the Host
 * header and ALPN are each exactly what the test says; the server
 * certificate is not verified: tests inspect it instead.
 */
export function tlsGet(
  port: number,
  opts: { servername?: string; host: string; path?: string; alpn?: string[]; headers?: Record<string, string>; clientCert?: { cert: string; key: string } },
): Promise<TlsAnswer> {
  return new Promise((resolve) => {
    let peer: PeerCertificate | undefined;
    let alpn: string | false | undefined;
    const chunks: Buffer[] = [];
    const socket = connect({
      host: '127.0.0.1',
      port,
      rejectUnauthorized: false,
      ...(opts.servername !== undefined ? { servername: opts.servername } : {}),
      ALPNProtocols: opts.alpn ?? ['http/1.1'],
      ...(opts.clientCert ? { cert: opts.clientCert.cert, key: opts.clientCert.key } : {}),
    });
    const fail = (err: Error) =>
      resolve({ status: undefined, body: '', headers: {}, peerCN: cnOf(peer), peerSAN: peer?.subjectaltname, alpn, error: err.message });
    socket.once('secureConnect', () => {
      peer = socket.getPeerCertificate();
      alpn = socket.alpnProtocol ?? undefined;
      const more = Object.entries(opts.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.write(`GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: ${opts.host}\r\n${more}Connection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', fail);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = Number(statusLine.split(' ')[1]);
      if (!Number.isInteger(status)) return fail(new Error(`no HTTP response (${text.length} bytes)`));
      const headers = Object.fromEntries(
        headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as const),
      );
      resolve({ status, body: rest.join('\r\n\r\n'), headers, peerCN: cnOf(peer), peerSAN: peer?.subjectaltname, alpn, error: undefined });
    });
  });
}

/** Completes a handshake and returns the session ticket the server issued (TLS 1.3 sends it after the handshake). */
export function tlsSession(port: number, servername: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false });
    socket.once('session', (session: Buffer) => {
      resolve(session);
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** Whether a new connection presenting `session` is resumed rather than fully handshaken. */
export function tlsResumes(port: number, servername: string, session: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, session, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      resolve(socket.isSessionReused());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}
