import { createConnection, type Socket } from 'node:net';
import { rawGet } from './net.ts';

/** What a load run saw: every request counted, every failure described (when, which client, what). */
export interface LoadResult {
  ok: number;
  failures: string[];
  /**
   * Requests the keep-alive client sent again, and got answered, on a new
   * connection because haproxy had closed the one it reused before any byte
   * of an answer (see startLoad).
   */
  retried: string[];
}

export interface Load {
  /** Resolves once both clients have completed at least `n` more requests each: proof that traffic flows now. */
  progressed(n?: number): Promise<void>;
  stop(): Promise<LoadResult>;
}

/**
 * Steady traffic for `host` through haproxy on 127.0.0.1:`port` until
 * stopped, from two clients: one keeps a single HTTP/1.1 connection alive
 * across requests (reconnecting only when haproxy says `Connection: close`),
 * one opens a connection per request. Raw sockets, so nothing retries behind
 * the test's back: a request that is refused, reset, not answered 200 or
 * answered by another backend than `backend` is a failure.
 *
 * One exception, which every HTTP/1.1 client makes for an idempotent
 * request (RFC 9112, 9.3.1; browsers, curl, Go): a GET on a reused
 * connection that closes before any byte of its answer is sent once more on
 * a new connection, and recorded in `retried`. haproxy closes idle
 * keep-alive connections at random within close-spread-time after a reload
 * or takeover (haproxy-config.eta says why it is set), and a request sent
 * at that instant meets the close; the retry is counted, its failure is a
 * failure.
 */
export function startLoad(port: number, host: string, backend: string): Load {
  let stopped = false;
  const result: LoadResult = { ok: 0, failures: [], retried: [] };
  const counts = [0, 0];
  let listeners: (() => void)[] = [];
  const count = (client: number) => {
    counts[client]!++;
    for (const l of listeners.splice(0)) l();
  };
  const fail = (client: string, what: string) => result.failures.push(`${new Date().toISOString()} ${client}: ${what}`);
  const closing = (async () => {
    while (!stopped) {
      try {
        const answer = await rawGet(port, host, '/');
        if (answer.status === 200 && answer.backend === backend) result.ok++;
        else fail('new connection per request', `status ${answer.status} from ${answer.backend}`);
      } catch (err) {
        fail('new connection per request', (err as Error).message);
      }
      count(0);
    }
  })();
  const keeping = (async () => {
    let socket: Socket | undefined;
    /** Requests answered on the connection in use, and when the last answer ended: what a failure on it says. */
    let served = 0;
    let lastAnswerAt = 0;
    /** The request a closed connection did not answer, going again on a new one (see above). */
    let again: string | undefined;
    while (!stopped || again !== undefined) {
      try {
        // A connection haproxy closed while it was idle carried no request: a client opens another, as this one does.
        if (socket && socket.readyState !== 'open') {
          socket.destroy();
          socket = undefined;
        }
        if (!socket) {
          socket = await connect(port);
          served = 0;
        }
        const answer = await exchange(socket, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
        served++;
        lastAnswerAt = performance.now();
        if (answer.status === 200 && answer.backend === backend) {
          result.ok++;
          if (again !== undefined) result.retried.push(`${new Date().toISOString()} keep-alive: ${again}`);
        } else fail('keep-alive', `${again === undefined ? '' : `${again}; sent again, `}status ${answer.status} from ${answer.backend}`);
        again = undefined;
        if (answer.close) {
          socket.destroy();
          socket = undefined;
        }
      } catch (err) {
        const reused = served > 0 ? `, request ${served + 1} of its connection, ${(performance.now() - lastAnswerAt).toFixed(1)} ms after the answer before` : ', on a new connection';
        socket?.destroy();
        socket = undefined;
        const what = `${(err as Error).message}${reused}`;
        if (again === undefined && served > 0 && err instanceof Unanswered && err.received === 0) {
          again = what;
          continue;
        }
        if (again === undefined) fail('keep-alive', what);
        else fail('keep-alive', `${again}; sent again: ${what}`);
        again = undefined;
      }
      count(1);
    }
    socket?.destroy();
  })();
  return {
    async progressed(n = 5) {
      const target = counts.map((c) => c + n);
      while (counts.some((c, i) => c < target[i]!)) await new Promise<void>((resolve) => listeners.push(resolve));
    },
    async stop() {
      stopped = true;
      await Promise.all([closing, keeping]);
      return result;
    },
  };
}

function connect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A connection that ended before a complete answer, and how many bytes of one came. */
class Unanswered extends Error {
  constructor(
    message: string,
    readonly received: number,
  ) {
    super(message);
  }
}

/** Sends one request on an open connection and reads one response (Content-Length bodies, as haproxy and Bun send here). */
function exchange(socket: Socket, request: string): Promise<{ status: number; backend: string | undefined; close: boolean }> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    const done = (err?: Error, answer?: { status: number; backend: string | undefined; close: boolean }) => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (err) reject(err);
      else resolve(answer!);
    };
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (Number.isNaN(length)) return done(new Error(`response without Content-Length: ${head.split('\r\n')[0]}`));
      if (buffer.length < end + 4 + length) return;
      const backend = /\r\nx-backend: *([^\r]*)/i.exec(head)?.[1];
      done(undefined, { status: Number(head.split(' ')[1]), backend, close: /\r\nconnection: *close/i.test(head) });
    };
    const onError = (err: Error) => done(new Unanswered(err.message, buffer.length));
    const onClose = () => done(new Unanswered('connection closed before a complete response', buffer.length));
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(request);
  });
}
