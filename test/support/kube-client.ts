/**
 * Helpers for the kube tests: throwaway PKI, tiny API servers, a logger that
 * records, and a channel to await what happens instead of sleeping.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsola, LogLevels } from 'consola';
import type { Logger } from '../../src/log.ts';

/** Values pushed by callbacks, awaited one at a time by the test. */
export class Channel<T> {
  private readonly values: T[] = [];
  private readonly waiters: ((value: T) => void)[] = [];
  /** Every value ever pushed, in order, for assertions about the whole history. */
  readonly all: T[] = [];

  push(value: T): void {
    this.all.push(value);
    const waiter = this.waiters.shift();
    if (waiter) waiter(value);
    else this.values.push(value);
  }

  next(): Promise<T> {
    if (this.values.length > 0) return Promise.resolve(this.values.shift() as T);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The next value that matches, dropping the others. */
  async until(match: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await this.next();
      if (match(value)) return value;
    }
  }
}

/** A logger whose lines (`level: message`) land in a channel. */
export function recordingLogger(): { logger: Logger; lines: Channel<string> } {
  const lines = new Channel<string>();
  const logger = createConsola({
    level: LogLevels.debug,
    reporters: [{ log: (o) => lines.push(`${o.type}: ${o.args.map(String).join(' ')}`) }],
  });
  return { logger, lines };
}

/** PEM material and paths of a throwaway PKI. */
export interface Pki {
  dir: string;
  /** The CA that signed the server and client certificates. */
  caFile: string;
  caPem: string;
  /** A CA that signed nothing here: trusting only it must fail. */
  otherCaFile: string;
  serverCert: string;
  serverKey: string;
  clientCertFile: string;
  clientKeyFile: string;
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const proc = Bun.spawn(['openssl', ...args], { cwd: dir, stdout: 'ignore', stderr: 'pipe' });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${stderr}`);
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function selfSignedCa(dir: string, name: string): Promise<void> {
  await openssl(dir, ['req', '-x509', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
}

async function issue(dir: string, name: string, ext: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), ext);
  await openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  await openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

/** Generates a CA, a server certificate for 127.0.0.1 and a client certificate with the `openssl` CLI. */
export async function makePki(): Promise<Pki> {
  const dir = mkdtempSync(join(tmpdir(), 'kube-pki-'));
  await selfSignedCa(dir, 'ca');
  await selfSignedCa(dir, 'other-ca');
  await issue(dir, 'server', 'extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await issue(dir, 'client', 'extendedKeyUsage=clientAuth\n');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    caPem: read('ca.crt'),
    otherCaFile: join(dir, 'other-ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
  };
}

/** Removes a temp dir made by a test. */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A running test server. */
export interface NodeServer {
  url: string;
  close(): void;
}

/**
 * A node:http(s) server. Used where Bun.serve cannot play an API server:
 * it withholds response headers until the first body chunk (an idle watch
 * would never connect), and it cannot report whether a client certificate
 * was verified.
 */
export async function startNodeServer(
  handler: http.RequestListener,
  tls?: https.ServerOptions,
): Promise<NodeServer> {
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Writes a JSON body. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A Status body as the API server sends with errors. */
export function status(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message };
}

/** Starts a watch response: headers now, events as the test writes them. */
export function openStream(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.flushHeaders();
}

/** One watch event line. */
export function eventLine(type: string, object: unknown): string {
  return `${JSON.stringify({ type, object })}\n`;
}

/** A minimal namespaced object. */
export function obj(name: string, resourceVersion: string, namespace = 'ns') {
  return { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name, namespace, resourceVersion } };
}

/** Writes a kubeconfig (JSON is YAML) and returns its path. */
export function writeKubeconfig(dir: string, name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return path;
}
