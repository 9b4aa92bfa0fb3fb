import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';

/** Server-side TLS: a certificate, and optionally a CA that client certificates must chain to. */
export interface ServerTls {
  cert: string;
  key: string;
  /** When set, the handshake demands a client certificate signed by this CA. */
  clientCa?: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The socket side of the fake: plain HTTP or HTTPS on 127.0.0.1, restartable
 * on the same port. node:https is used because it enforces client
 * certificates under Bun (requestCert + rejectUnauthorized), and node:http
 * because a single socket can be reset, which a dropped watch needs.
 */
export class Listener {
  #server: Server | undefined;

  constructor(
    private readonly tls: ServerTls | undefined,
    private readonly handler: Handler,
  ) {}

  /** Listens on `port` (0 picks one) and returns the port bound. */
  async listen(port: number): Promise<number> {
    if (this.#server) throw new Error('fake API server is already listening');
    const server = this.#create();
    // Watches and stalled requests are meant to stay open as long as a test wants.
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.#server = server;
    const addr = server.address();
    if (addr === null || typeof addr === 'string') throw new Error('fake API server has no TCP address');
    return addr.port;
  }

  /** Stops listening and resets every open connection, watches and stalled requests included. */
  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  #create(): Server {
    if (!this.tls) return createHttpServer(this.handler);
    const { cert, key, clientCa } = this.tls;
    return createHttpsServer(
      clientCa ? { cert, key, ca: clientCa, requestCert: true, rejectUnauthorized: true } : { cert, key },
      this.handler,
    );
  }
}
