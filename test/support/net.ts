import { type AddressInfo, createConnection, createServer, type Server } from 'node:net';

/**
 * `count` distinct loopback ports that were free a moment ago. All are held open together until the last is found, so
 * two calls in a row can never hand out the same port (the kernel may reuse a port the moment it is closed). They are
 * drawn below the kernel's ephemeral range, so an outgoing connection cannot take one before haproxy binds it.
 */
async function freePorts(count: number): Promise<number[]> {
  const held: Server[] = [];
  try {
    while (held.length < count) {
      const port = FIRST_PORT + Math.floor(Math.random() * (EPHEMERAL_START - FIRST_PORT));
      const srv = await listenOn(port);
      if (srv) held.push(srv);
    }
    return held.map((srv) => (srv.address() as AddressInfo).port);
  } finally {
    await Promise.all(held.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

/** One free loopback port; see freePorts. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

/** Two distinct free loopback ports (HTTP and HTTPS); see freePorts. */
export async function freePortPair(): Promise<[number, number]> {
  const [a, b] = await freePorts(2);
  return [a!, b!];
}

const FIRST_PORT = 20000;
/** Linux's default ip_local_port_range starts here. */
const EPHEMERAL_START = 32768;

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err)));
    srv.listen(port, '127.0.0.1', () => resolve(srv));
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

/** One HTTP/1.1 request on a fresh connection whose header lines are exactly `headerLines` (duplicates and all). */
export function rawRequest(port: number, path: string, headerLines: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.split(' ')[1]), body: split < 0 ? '' : text.slice(split + 4) });
    });
  });
}

/**
 * One HTTP/1.1 request from `localAddress` (any 127.0.0.0/8 address works
 * on Linux loopback): `undefined` when the connection is closed without an
 * answer, as haproxy's `tcp-request content reject` does.
 */
export function getFrom(localAddress: string, port: number, host: string): Promise<{ status: number; backend: string | undefined } | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection({ host: '127.0.0.1', port, localAddress }, () => {
      socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(undefined) : reject(err)));
    socket.once('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      if (text === '') return resolve(undefined);
      resolve({ status: Number(text.split(' ')[1]), backend: new RegExp('\r\nx-backend: ([^\r]*)\r\n', 'i').exec(text)?.[1] });
    });
  });
}
