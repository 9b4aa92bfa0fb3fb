import { createServer } from 'node:net';

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
export async function get(port: number, host: string, path = '/'): Promise<HttpAnswer> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { Host: host, Connection: 'close' }, redirect: 'manual' });
  return { status: res.status, body: await res.text(), backend: res.headers.get('x-backend'), headers: res.headers };
}
