import { createConnection } from 'node:net';
import { SOCKET_COMMAND_TIMEOUT_MS } from '../timeouts.ts';

/**
 * Sends one command line to a haproxy CLI socket (master or worker) and
 * returns the whole reply. The master socket keeps the connection open after
 * replying, so we half-close our side: both sockets then answer and close.
 */
export function socketCommand(path: string, command: string, timeoutMs = SOCKET_COMMAND_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection({ path, allowHalfOpen: true }, () => socket.end(`${command}\n`));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`haproxy socket ${path}: no reply to "${command}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`haproxy socket ${path}: ${err.message}`, { cause: err }));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}
