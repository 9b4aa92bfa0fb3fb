import { afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { generateTestCerts, type TestCerts } from './certs.ts';
import { startFakeApiServer, type FakeApiServer } from './fake-api-server.ts';

let pki: TestCerts;
let otherPki: TestCerts;
beforeAll(async () => {
  [pki, otherPki] = await Promise.all([generateTestCerts(), generateTestCerts()]);
});

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('TLS', () => {
  test('serves HTTPS that verifies against the generated CA only', async () => {
    server = await startFakeApiServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const ok = await fetch(`${server.url}/api`, { tls: { ca: pki.ca } });
    expect(ok.status).toBe(200);
    const viaName = await fetch(`https://localhost:${server.port}/api`, { tls: { ca: pki.ca } });
    expect(viaName.status).toBe(200);
    await expect(fetch(`${server.url}/api`)).rejects.toThrow('unable to verify');
    await expect(fetch(`${server.url}/api`, { tls: { ca: otherPki.ca } })).rejects.toThrow();
  });

  test('with clientCa, the handshake requires a client certificate signed by that CA', async () => {
    server = await startFakeApiServer({ tls: { cert: pki.serverCert, key: pki.serverKey, clientCa: pki.ca } });
    const url = `${server.url}/api`;
    await expect(fetch(url, { tls: { ca: pki.ca } })).rejects.toThrow();
    await expect(fetch(url, { tls: { ca: pki.ca, cert: otherPki.clientCert, key: otherPki.clientKey } })).rejects.toThrow();
    const ok = await fetch(url, { tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey } });
    expect(ok.status).toBe(200);
    expect(server.requests).toHaveLength(1);
  });

  test('a TLS instance restarts on the same port', async () => {
    server = await startFakeApiServer({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    const port = server.port;
    await server.stop();
    await server.start();
    expect(server.port).toBe(port);
    expect((await fetch(`${server.url}/api`, { tls: { ca: pki.ca } })).status).toBe(200);
  });
});
