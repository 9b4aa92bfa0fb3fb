import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEchoBackend, type EchoedRequest, type TestBackend } from '../support/backend.ts';
import { makeCA, makeCrl, makeLeaf, type Issued } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'app.example.com';
const dir = shortTempDir();
const serverCa = makeCA('server-ca');
const serving = makeLeaf(serverCa, { dnsNames: [HOST] });
const clientCa = makeCA('client-ca');
const client = (cn: string): Issued => makeLeaf(clientCa, { dnsNames: [cn], extendedKeyUsage: 'clientAuth' });
const app1 = client('app1');
const other = client('other');
const revoked = client('app2');
const stranger = makeLeaf(makeCA('stranger-ca'), { dnsNames: ['app3'], extendedKeyUsage: 'clientAuth' });
const caFile = join(dir.path, 'client-ca.pem');
const crlFile = join(dir.path, 'client-crl.pem');
writeFileSync(caFile, clientCa.cert);
writeFileSync(crlFile, makeCrl(clientCa, [revoked]));

let backend: TestBackend;
let required: TestRouter;
let optional: TestRouter;

const manifests = () => ({
  'app.json': routeJson({ name: 'app', host: HOST, tls: { termination: 'edge', certificate: serving.cert, key: serving.key } }),
  'eps.yaml': sliceYaml({ service: 'app', ports: [backend.port] }),
});

beforeAll(async () => {
  backend = startEchoBackend('app');
  required = await startTestRouter({
    manifests: manifests(),
    env: { ROUTER_MUTUAL_TLS_AUTH: 'required', ROUTER_MUTUAL_TLS_AUTH_CA: caFile, ROUTER_MUTUAL_TLS_AUTH_CRL: crlFile, ROUTER_MUTUAL_TLS_AUTH_FILTER: '^/CN=app[0-9]+$' },
  });
  optional = await startTestRouter({ manifests: manifests(), env: { ROUTER_MUTUAL_TLS_AUTH: 'optional', ROUTER_MUTUAL_TLS_AUTH_CA: caFile } });
});

afterAll(async () => {
  await required?.stop();
  await optional?.stop();
  await backend?.stop();
  dir.remove();
});

const FORGED = { 'X-SSL-Client-CN': 'admin', 'X-SSL-Client-Verify': '0', 'X-SSL-Client-Subject': '/CN=admin' };
const request = (t: TestRouter, cert?: Issued, servername: string | undefined = HOST) =>
  tlsGet(t.httpsPort, { ...(servername ? { servername } : {}), host: HOST, headers: FORGED, ...(cert ? { clientCert: cert } : {}) });
const sslHeaders = (body: string) => Object.fromEntries(Object.entries((JSON.parse(body) as EchoedRequest).headers).filter(([name]) => name.startsWith('x-ssl')));

describe('ROUTER_MUTUAL_TLS_AUTH=required, with CRLs and a subject filter', () => {
  test('a client without a certificate does not get through the handshake', async () => {
    const res = await request(required);
    expect(res.status).toBeUndefined();
    expect(res.error).toBeDefined();
  });

  test.each([
    ['with SNI', HOST],
    ['without SNI (the default certificate)', undefined],
  ])('a certificate of the CA is verified %s, and the pod learns who it is, never what the client claims', async (_what, servername) => {
    const res = await request(required, app1, servername);
    expect(res.status).toBe(200);
    const headers = sslHeaders(res.body);
    expect(headers).toMatchObject({ 'x-ssl': '1', 'x-ssl-client-verify': '0', 'x-ssl-client-cn': 'app1', 'x-ssl-client-dn': '/CN=app1', 'x-ssl-issuer': '/CN=client-ca' });
    expect(Buffer.from(headers['x-ssl-client-der'] ?? '', 'base64').toString('base64')).toBe(app1.cert.split('\n').slice(1, -2).join(''));
    expect(headers['x-ssl-client-subject']).toBeUndefined();
  });

  test("a certificate whose subject the filter does not match is denied (403)", async () => {
    expect((await request(required, other)).status).toBe(403);
  });

  test('a revoked certificate, or one of another CA, does not get through the handshake', async () => {
    for (const cert of [revoked, stranger]) expect((await request(required, cert)).status).toBeUndefined();
  });
});

describe('ROUTER_MUTUAL_TLS_AUTH=optional', () => {
  test('a client without a certificate is served, with empty certificate headers', async () => {
    const res = await request(optional);
    expect(res.status).toBe(200);
    expect(sslHeaders(res.body)).toMatchObject({ 'x-ssl': '1', 'x-ssl-client-cn': '', 'x-ssl-client-der': '' });
  });

  test('a certificate of the CA is verified and named', async () => {
    const res = await request(optional, other);
    expect(res.status).toBe(200);
    expect(sslHeaders(res.body)).toMatchObject({ 'x-ssl-client-verify': '0', 'x-ssl-client-cn': 'other' });
  });

  test('a certificate of another CA does not get through the handshake', async () => {
    expect((await request(optional, stranger)).status).toBeUndefined();
  });
});
