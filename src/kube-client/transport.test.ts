import { afterAll, beforeAll, describe, expect, setSystemTime, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describeKubeError } from './errors.ts';
import { buildKubeConfig, type KubeConnection } from './kube-config.ts';
import { createTransport } from './transport.ts';
import { makePki, removeDir, startNodeServer, writeKubeconfig, type Pki } from '../../test/support/kube-client.ts';

let pki: Pki;
let tlsServer: ReturnType<typeof Bun.serve>;
let plainServer: ReturnType<typeof Bun.serve>;
let seen: { authorization: string | null; userAgent: string | null }[] = [];

const noServiceAccount = '/nonexistent/serviceaccount';
const transportFor = (conn: KubeConnection, opts = {}) => createTransport(buildKubeConfig(conn, {}, noServiceAccount), opts);

function echo(req: Request): Response {
  seen.push({ authorization: req.headers.get('authorization'), userAgent: req.headers.get('user-agent') });
  return Response.json({ ok: true });
}

beforeAll(async () => {
  pki = await makePki();
  tlsServer = Bun.serve({ port: 0, hostname: '127.0.0.1', tls: { cert: pki.serverCert, key: pki.serverKey }, fetch: echo });
  plainServer = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: echo });
});
afterAll(() => {
  tlsServer.stop(true);
  plainServer.stop(true);
  removeDir(pki.dir);
});

const tlsUrl = () => `https://127.0.0.1:${tlsServer.port}`;

describe('server verification', () => {
  test('the right CA, from a file or from kubeconfig data, is trusted', async () => {
    const fromFile = transportFor({ server: tlsUrl(), certificateAuthority: pki.caFile });
    expect((await fromFile.kubeFetch(`${tlsUrl()}/api`)).status).toBe(200);

    const path = writeKubeconfig(pki.dir, 'ca-data', {
      clusters: [{ name: 'c', cluster: { server: tlsUrl(), 'certificate-authority-data': Buffer.from(pki.caPem).toString('base64') } }],
      users: [{ name: 'u', user: {} }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const fromData = transportFor({ kubeconfig: path });
    expect((await fromData.kubeFetch(`${tlsUrl()}/api`)).status).toBe(200);
  });

  test('a wrong or missing CA is refused, and the error says to check the CA', async () => {
    for (const conn of [{ server: tlsUrl(), certificateAuthority: pki.otherCaFile }, { server: tlsUrl() }]) {
      const err = await transportFor(conn).kubeFetch(`${tlsUrl()}/api`).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(describeKubeError(err)).toMatch(/certificate.*check the certificate authority/);
    }
  });

  test('--insecure-skip-tls-verify accepts a server no CA vouches for', async () => {
    const transport = transportFor({ server: tlsUrl(), insecureSkipTlsVerify: true });
    expect((await transport.kubeFetch(`${tlsUrl()}/api`)).status).toBe(200);
  });

  test('an unreadable CA file or a certificate without its key fails at construction', () => {
    expect(() => transportFor({ server: tlsUrl(), certificateAuthority: join(pki.dir, 'missing.crt') }))
      .toThrow(/cannot read certificate authority .*missing\.crt/);
    expect(() => transportFor({ server: tlsUrl(), clientCertificate: pki.clientCertFile })).toThrow(/client certificate needs a client key/);
    expect(() => transportFor({ server: tlsUrl(), certificateAuthority: pki.clientKeyFile.replace('.key', '.ext') })).toThrow(/is not PEM/);
  });
});

describe('client certificates', () => {
  test('the kubeconfig client certificate is presented and verified by the server', async () => {
    const server = await startNodeServer(
      (req, res) => res.end(String((req.socket as TLSSocket).authorized)),
      { cert: pki.serverCert, key: pki.serverKey, ca: pki.caPem, requestCert: true, rejectUnauthorized: false },
    );
    try {
      const withCert = transportFor({ server: server.url, certificateAuthority: pki.caFile, clientCertificate: pki.clientCertFile, clientKey: pki.clientKeyFile });
      expect(await (await withCert.kubeFetch(`${server.url}/api`)).text()).toBe('true');
      const without = transportFor({ server: server.url, certificateAuthority: pki.caFile });
      expect(await (await without.kubeFetch(`${server.url}/api`)).text()).toBe('false');
    } finally {
      server.close();
    }
  });
});

describe('credentials and headers', () => {
  test('the bearer token and a User-Agent are sent over https, no credentials over plain http', async () => {
    seen = [];
    await transportFor({ server: tlsUrl(), certificateAuthority: pki.caFile, token: 'secret' }, { userAgent: 'router-test' }).kubeFetch(`${tlsUrl()}/api`);
    const plainUrl = `http://127.0.0.1:${plainServer.port}`;
    await transportFor({ server: plainUrl, token: 'secret' }).kubeFetch(`${plainUrl}/api`);
    expect(seen).toEqual([
      { authorization: 'Bearer secret', userAgent: 'router-test' },
      { authorization: null, userAgent: 'router' },
    ]);
  });

  test('a token file is re-read (every minute, as client-go does), so a rotated token is used', async () => {
    const tokenFile = join(pki.dir, 'token');
    writeFileSync(tokenFile, 'first\n');
    const path = writeKubeconfig(pki.dir, 'token-file', {
      clusters: [{ name: 'c', cluster: { server: tlsUrl(), 'certificate-authority': pki.caFile } }],
      users: [{ name: 'u', user: { 'token-file': 'token' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    const transport = transportFor({ kubeconfig: path });
    seen = [];
    await transport.kubeFetch(`${tlsUrl()}/api`);
    writeFileSync(tokenFile, 'second');
    try {
      setSystemTime(new Date(Date.now() + 61_000));
      await transport.kubeFetch(`${tlsUrl()}/api`);
    } finally {
      setSystemTime();
    }
    expect(seen.map((s) => s.authorization)).toEqual(['Bearer first', 'Bearer second']);
    expect(readFileSync(tokenFile, 'utf8')).toBe('second');
  });

  test('an exec credential plugin runs under Bun and its token is sent', async () => {
    const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec' } });
    const path = writeKubeconfig(pki.dir, 'exec', {
      clusters: [{ name: 'c', cluster: { server: tlsUrl(), 'certificate-authority': pki.caFile } }],
      users: [{ name: 'u', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'sh', args: ['-c', `printf '%s' '${credential}'`] } } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });
    seen = [];
    await transportFor({ kubeconfig: path }).kubeFetch(`${tlsUrl()}/api`);
    expect(seen[0]?.authorization).toBe('Bearer from-exec');
  });
});

describe('timeouts', () => {
  test('a request the server never answers fails after the request timeout', async () => {
    const hung = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Promise<Response>(() => {}) });
    try {
      const url = `http://127.0.0.1:${hung.port}`;
      const err = await transportFor({ server: url }, { requestTimeoutMs: 50 }).kubeFetch(`${url}/api`).then(() => undefined, (e: unknown) => e);
      expect((err as Error).name).toBe('TimeoutError');
    } finally {
      hung.stop(true);
    }
  });
});
