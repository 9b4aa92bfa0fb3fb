import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { startEchoBackend, type EchoedRequest, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { freePort } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

const HOST = 'app.example.com';
const ca = makeCA('proxy-ca');
const serving = makeLeaf(ca, { dnsNames: [HOST] });
let backend: TestBackend;
let t: TestRouter;
let statsPort = 0;

beforeAll(async () => {
  backend = startEchoBackend('app');
  statsPort = await freePort();
  t = await startTestRouter({
    manifests: {
      'app.json': routeJson({ name: 'app', host: HOST, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: serving.cert, key: serving.key } }),
      'eps.yaml': sliceYaml({ service: 'app', ports: [backend.port] }),
    },
    args: ['--metrics-type=haproxy', `--listen-addr=127.0.0.1:${statsPort}`],
    env: { ROUTER_USE_PROXY_PROTOCOL: 'true' },
  });
});

afterAll(async () => {
  await t?.stop();
  await backend?.stop();
});

const REQUEST = `GET / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`;

/** Everything the server sends until it closes, or undefined when it sends nothing (it refused the connection's first bytes). */
function readAll(socket: Socket, write: () => void): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', () => resolve(undefined));
    socket.once('close', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8')));
    write();
  });
}

/** One request on a connection that starts with `preamble` (a PROXY header, or nothing). */
function plainRequest(preamble: string): Promise<string | undefined> {
  const socket = createConnection({ host: '127.0.0.1', port: t.httpPort });
  return readAll(socket, () => socket.write(preamble + REQUEST));
}

/** A TLS connection that a PROXY header precedes, as a load balancer in front sends it. */
function tlsRequest(preamble: string): Promise<string | undefined> {
  const raw = createConnection({ host: '127.0.0.1', port: t.httpsPort });
  raw.write(preamble);
  const socket = tlsConnect({ socket: raw, servername: HOST, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  return readAll(socket, () => socket.once('secureConnect', () => socket.write(REQUEST)));
}

function echoed(answer: string | undefined): Record<string, string> {
  expect(answer).toStartWith('HTTP/1.1 200 ');
  return (JSON.parse(answer?.slice(answer.indexOf('\r\n\r\n') + 4) ?? '') as EchoedRequest).headers;
}

describe('ROUTER_USE_PROXY_PROTOCOL=true', () => {
  test('on the HTTP port, the client is the one the PROXY header names', async () => {
    const headers = echoed(await plainRequest(`PROXY TCP4 127.0.0.42 127.0.0.1 40000 ${t.httpPort}\r\n`));
    expect(headers).toMatchObject({ 'x-forwarded-for': '127.0.0.42', forwarded: `for=127.0.0.42;host=${HOST};proto=http` });
  });

  test('an IPv6 client behind an IPv4 load balancer is quoted as RFC 7239 says', async () => {
    const headers = echoed(await plainRequest(`PROXY TCP6 ::1 ::1 40000 ${t.httpPort}\r\n`));
    expect(headers).toMatchObject({ 'x-forwarded-for': '::1', forwarded: `for="[::1]";host=${HOST};proto=http` });
  });

  test('on the HTTPS port, the header comes before the TLS handshake and names the client too', async () => {
    const headers = echoed(await tlsRequest(`PROXY TCP4 127.0.0.43 127.0.0.1 40000 ${t.httpsPort}\r\n`));
    expect(headers).toMatchObject({ 'x-forwarded-for': '127.0.0.43', 'x-forwarded-proto': 'https' });
  });

  test('a connection without the header is closed unanswered, on either port', async () => {
    expect(await plainRequest('')).toBeUndefined();
    expect(await tlsRequest('')).toBeUndefined();
  });

  test('readiness probes the public port with a PROXY header', async () => {
    const res = await fetch(`http://127.0.0.1:${statsPort}/healthz/ready`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });
});
