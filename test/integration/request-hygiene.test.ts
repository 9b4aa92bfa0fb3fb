import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startEchoBackend, type EchoedRequest, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { h2Request } from '../support/h2-client.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { rawRequest } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

let a: TestBackend;
let b: TestBackend;
let t: TestRouter;

const A = 'a.example.com';
const B = 'b.example.com';
const BOTH = `${A},${B}`;
const CLIENT_CERT_HEADERS = { 'X-SSL-Client-CN': 'admin', 'X-SSL': '1', 'x-ssl-client-verify': '0', 'X-SSL-Client-DER': 'forged' };

beforeAll(async () => {
  a = startEchoBackend('a');
  b = startEchoBackend('b');
  const ca = makeCA('hygiene-ca');
  // A certificate each: HTTP/2 is only offered for a certificate that serves one route.
  const route = (name: string, host: string) => {
    const cert = makeLeaf(ca, { dnsNames: [host] });
    return routeJson({ name, host, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: cert.cert, key: cert.key } });
  };
  t = await startTestRouter({
    manifests: {
      'a.json': route('a', A),
      'b.json': route('b', B),
      'eps.yaml': `${sliceYaml({ service: 'a', ports: [a.port] })}---\n${sliceYaml({ service: 'b', ports: [b.port] })}`,
    },
  });
});

afterAll(async () => {
  await t?.stop();
  await a?.stop();
  await b?.stop();
});

const echoed = (body: string) => JSON.parse(body) as EchoedRequest;
/** Where a request went and the Host its backend saw: the two must always agree. */
const seen = (body: string) => {
  const e = echoed(body);
  return { backend: e.backend, host: e.headers.host };
};

describe('HTTP/1.1, plain and over TLS', () => {
  test.each([
    ['a comma-separated list', [`Host: ${BOTH}`]],
    ['a list with spaces', [`Host: ${A}, ${B}`]],
    ['an empty element', [`Host: ,${B}`]],
    ['two Host lines', [`Host: ${A}`, `Host: ${B}`]],
  ])('a Host header with %s is refused with 400', async (_what, lines) => {
    const res = await rawRequest(t.httpPort, '/', lines);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('"backend"');
  });

  test('one Host is routed, and the backend sees that Host', async () => {
    const res = await rawRequest(t.httpPort, '/', [`Host: ${B}`]);
    expect(res.status).toBe(200);
    expect(seen(res.body)).toEqual({ backend: 'b', host: B });
  });

  test('over TLS, a Host list is refused too', async () => {
    const res = await tlsGet(t.httpsPort, { servername: A, host: BOTH });
    expect(res.status).toBe(400);
  });

  test('client X-SSL* headers never reach the backend, other headers do', async () => {
    const plain = await rawRequest(t.httpPort, '/', [`Host: ${A}`, ...Object.entries(CLIENT_CERT_HEADERS).map(([n, v]) => `${n}: ${v}`), 'X-Other: kept']);
    const tls = await tlsGet(t.httpsPort, { servername: A, host: A, headers: { ...CLIENT_CERT_HEADERS, 'X-Other': 'kept' } });
    for (const res of [plain, tls]) {
      const headers = echoed(res.body).headers;
      expect(Object.keys(headers).filter((n) => n.startsWith('x-ssl'))).toEqual([]);
      expect(headers['x-other']).toBe('kept');
    }
  });
});

describe('HTTP/2 over TLS', () => {
  const request = (...fields: [string, string][]) => h2Request(t.httpsPort, A, [[':method', 'GET'], [':scheme', 'https'], [':path', '/'], ...fields]);

  test(':authority routes, and the backend sees it as Host', async () => {
    const res = await request([':authority', B]);
    expect(res.status).toBe(200);
    expect(seen(res.body)).toEqual({ backend: 'b', host: B });
  });

  test('an :authority holding a list is refused with 400', async () => {
    expect((await request([':authority', BOTH])).status).toBe(400);
  });

  test('a host header holding a list is refused with 400', async () => {
    expect((await request(['host', BOTH])).status).toBe(400);
  });

  test.each([
    ['a host beside a different :authority', [[':authority', A], ['host', B]]],
    ['a host beside a different :authority, the other way round', [[':authority', B], ['host', A]]],
    ['two host fields', [['host', A], ['host', B]]],
    ['two host fields beside an :authority', [[':authority', B], ['host', A], ['host', B]]],
  ] as [string, [string, string][]][])('%s: refused, or routed on the very host the backend sees', async (_what, fields) => {
    const res = await request(...fields);
    if (res.status !== 200) {
      expect(res.status === 400 || res.errorCode !== undefined).toBe(true);
      return;
    }
    const { backend, host } = seen(res.body);
    expect(host).toBe(backend === 'a' ? A : B);
  });

  test('client x-ssl* fields never reach the backend', async () => {
    const res = await request([':authority', A], ['x-ssl-client-cn', 'admin'], ['x-ssl', '1']);
    expect(res.status).toBe(200);
    expect(Object.keys(echoed(res.body).headers).filter((n) => n.startsWith('x-ssl'))).toEqual([]);
  });
});
