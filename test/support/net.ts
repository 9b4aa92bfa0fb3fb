import { createConnection, createServer } from 'node:net';

/** A loopback port that was free a moment ago (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
  backend: string | null;
  headers: Headers;
}

/** One request through haproxy with an explicit Host header; no connection reuse, so every request sees the current config. */
export async function get(port: number, host: string, path = '/', headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { ...headers, Host: host, Connection: 'close' }, redirect: 'manual' });
  return { status: res.status, body: await res.text(), backend: res.headers.get('x-backend'), headers: res.headers };
}

/** One HTTP/1.1 request whose request line carries `path` byte for byte (fetch would re-encode it). */
export function rawGet(port: number, host: string, path: string): Promise<{ status: number; backend: string | undefined; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(text.split(' ')[1]);
      const header = (name: string) => new RegExp(`\r\n${name}: ([^\r]*)\r\n`, 'i').exec(text)?.[1];
      resolve({ status, backend: header('x-backend'), location: header('location') });
    });
  });
}
