import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';

/** The certificate a handshake got, or why it failed. */
export type Served = { fingerprint256: string; cn: string | undefined } | { error: string };

/** Gives up on a handshake that neither completes nor fails, so a broken listener fails the test instead of hanging it. */
const HANDSHAKE_TIMEOUT_MS = 5000;

/** The SHA-256 fingerprint of a PEM certificate, in the form a TLS peer certificate reports it. */
export function fingerprintOf(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/** One TLS handshake on 127.0.0.1:port with this SNI (no request): which certificate the server presented. */
export function servedCertificate(port: number, servername: string): Promise<Served> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
    socket.setTimeout(HANDSHAKE_TIMEOUT_MS, () => {
      resolve({ error: `no handshake within ${HANDSHAKE_TIMEOUT_MS} ms` });
      socket.destroy();
    });
    socket.once('secureConnect', () => {
      const peer = socket.getPeerCertificate();
      const cn = peer.subject?.CN;
      resolve({ fingerprint256: peer.fingerprint256, cn: Array.isArray(cn) ? cn.join(',') : cn });
      socket.destroy();
    });
    socket.once('error', (err) => resolve({ error: err.message }));
  });
}
