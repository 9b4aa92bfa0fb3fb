import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, startTlsBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf, type Authority, type Issued } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { rawGet } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet, tlsResumes, tlsSession } from '../support/tls-client.ts';

let ca: Authority;
let otherCa: Authority;
let edgeCert: Issued;
let podCert: Issued;
let plain: TestBackend;
let secure: TestBackend;
let t: TestRouter;

const eps = (service: string, b: TestBackend) => sliceYaml({ service, ports: [b.port] });

beforeAll(async () => {
  ca = makeCA('route-ca');
  otherCa = makeCA('other-ca');
  edgeCert = makeLeaf(ca, { dnsNames: ['edge.example.com'] });
  podCert = makeLeaf(ca, { dnsNames: ['secure.default.svc', 'localhost'] });
  plain = startBackend('plain');
  secure = startTlsBackend('secure', podCert);
  const manifests: Record<string, string> = {
    'edge.json': routeJson({ name: 'edge', host: 'edge.example.com', tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key } }),
    'edge-default.json': routeJson({ name: 'edge-default', host: 'nocert.example.com', service: 'edge', tls: { termination: 'edge' } }),
    'allow.json': routeJson({ name: 'allow', host: 'allow.example.com', service: 'edge', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' } }),
    'redirect.json': routeJson({ name: 'redirect', host: 'redirect.example.com', service: 'edge', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } }),
    'redirect-api.json': routeJson({ name: 'redirect-api', host: 'redirect.example.com', path: '/api', service: 'edge' }),
    'reencrypt.json': routeJson({
      name: 'reencrypt',
      host: 'reencrypt.example.com',
      service: 'secure',
      tls: { termination: 'reencrypt', destinationCACertificate: ca.cert },
    }),
    'reencrypt-wrong.json': routeJson({
      name: 'reencrypt-wrong',
      host: 'wrong-ca.example.com',
      service: 'secure',
      tls: { termination: 'reencrypt', destinationCACertificate: otherCa.cert },
    }),
    'passthrough.json': routeJson({ name: 'passthrough', host: 'pass.example.com', service: 'secure', tls: { termination: 'passthrough' } }),
    'wild.json': routeJson({ name: 'wild', host: 'www.wild.example.com', service: 'edge', wildcardPolicy: 'Subdomain', tls: { termination: 'edge' } }),
    'exact.json': routeJson({ name: 'exact', host: 'exact.wild.example.com', service: 'secure', tls: { termination: 'passthrough' } }),
    'eps.yaml': `${eps('edge', plain)}---\n${eps('secure', secure)}`,
  };
  t = await startTestRouter({ manifests, args: ['--allow-wildcard-routes'] });
});

afterAll(async () => {
  await t?.stop();
  await plain?.stop();
  await secure?.stop();
});

describe('edge', () => {
  test('terminates TLS with the route certificate (by SNI) and sends plain HTTP to the pod', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com', path: '/x' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('plain /x\n');
    expect(res.peerSAN).toContain('edge.example.com');
    expect(res.headers['x-backend']).toBe('plain');
  });

  test('offers HTTP/2 by ALPN for a route with its own certificate', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com', alpn: ['h2', 'http/1.1'] });
    expect(res.alpn).toBe('h2');
  });

  test('a route without a certificate is served with the default certificate', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'nocert.example.com', host: 'nocert.example.com' });
    expect(res.status).toBe(200);
    expect(res.peerCN).toBe('router-default');
  });

  test('a client without SNI gets the default certificate and is routed by Host', async () => {
    const res = await tlsGet(t.httpsPort, { host: 'edge.example.com' });
    expect(res.peerCN).toBe('router-default');
    expect(res.status).toBe(200);
  });

  test('insecure policy None: nothing on port 80', async () => {
    expect((await t.get('edge.example.com')).status).toBe(503);
  });

  test('insecure policy Allow: served on port 80 too', async () => {
    const res = await t.get('allow.example.com', '/a');
    expect(res.status).toBe(200);
    expect(res.backend).toBe('plain');
  });

  test('insecure policy Redirect: 302 to https without the port; a more specific plain path still serves', async () => {
    const res = await t.get('redirect.example.com:8080', '/page?q=1');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://redirect.example.com/page?q=1');
    expect((await t.get('redirect.example.com', '/api/v1')).status).toBe(200);
  });

  test('a Redirect answers absolute-form requests with a well-formed Location', async () => {
    const res = await rawGet(t.httpPort, 'redirect.example.com', 'http://redirect.example.com/page?q=1');
    expect(res.status).toBe(302);
    expect(res.location).toBe('https://redirect.example.com/page?q=1');
  });
});

describe('reencrypt', () => {
  test('verifies the pod with the destination CA and serves', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'reencrypt.example.com', host: 'reencrypt.example.com', path: '/r' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('secure /r\n');
  });

  test('a wrong destination CA fails verification: 503', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'wrong-ca.example.com', host: 'wrong-ca.example.com' });
    expect(res.status).toBe(503);
  });
});

describe('passthrough', () => {
  test('TLS goes straight to the pod, which presents its own certificate', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'pass.example.com', host: 'pass.example.com', path: '/p' });
    expect(res.status).toBe(200);
    expect(res.body).toBe('secure /p\n');
    expect(res.peerSAN).toContain('secure.default.svc');
  });
});

describe('wildcard routes', () => {
  test('serve any name under the parent domain', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'anything.wild.example.com', host: 'anything.wild.example.com' });
    expect(res.status).toBe(200);
    expect(res.body).toStartWith('plain');
  });

  test('never shadow an exact host', async () => {
    const res = await tlsGet(t.httpsPort, { servername: 'exact.wild.example.com', host: 'exact.wild.example.com' });
    expect(res.body).toStartWith('secure');
    expect(res.peerSAN).toContain('secure.default.svc');
  });
});

describe('reloads', () => {
  test('TLS sessions resume across a reload (ticket keys are shared by every generation)', async () => {
    const session = await tlsSession(t.httpsPort, 'edge.example.com');
    const before = (await t.router.supervisor.procState())?.workerPids;
    // A route that stops allowing plain HTTP gets a `secure` cookie line: its backend changes, which reloads.
    const later = (insecureEdgeTerminationPolicy: 'Allow' | 'None') =>
      routeJson({ name: 'later', host: 'later.example.com', service: 'edge', tls: { termination: 'edge', insecureEdgeTerminationPolicy } });
    await t.write('later.json', later('Allow'));
    await t.write('later.json', later('None'));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect((await t.router.supervisor.procState())?.workerPids).not.toEqual(before);
    expect(await tlsResumes(t.httpsPort, 'edge.example.com', session)).toBe(true);
  });
});

describe('a certificate haproxy refuses, with extended validation off', () => {
  test('rejects its route alone, with the reason, and later changes still load', async () => {
    const weak = makeLeaf(ca, { dnsNames: ['weak.example.com'], keyType: 'rsa', rsaBits: 1024 });
    const r = await startTestRouter({
      args: ['--extended-validation=false'],
      manifests: { 'edge.json': routeJson({ name: 'edge', host: 'edge.example.com', tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key } }), 'eps.yaml': eps('edge', plain) },
    });
    try {
      await r.write('weak.json', routeJson({ name: 'weak', host: 'weak.example.com', service: 'edge', tls: { termination: 'edge', certificate: weak.cert, key: weak.key } }));
      expect(r.router.lastCommit()?.rejections.get('default/weak')).toEqual({
        reason: 'ExtendedValidationFailed',
        message: "haproxy refused the route's certificate or CA: unable to load SSL certificate into SSL Context",
      });
      expect((await tlsGet(r.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com' })).status).toBe(200);
      await r.write('later.json', routeJson({ name: 'later', host: 'later.example.com', service: 'edge' }));
      expect((await r.get('later.example.com')).backend).toBe('plain');

      // A fixed certificate lets the route in.
      const fixed = makeLeaf(ca, { dnsNames: ['weak.example.com'] });
      await r.write('weak.json', routeJson({ name: 'weak', host: 'weak.example.com', service: 'edge', tls: { termination: 'edge', certificate: fixed.cert, key: fixed.key } }));
      expect(r.router.lastCommit()?.rejections.has('default/weak')).toBe(false);
      expect((await tlsGet(r.httpsPort, { servername: 'weak.example.com', host: 'weak.example.com' })).status).toBe(200);
    } finally {
      await r.stop();
    }
  });

  test('there at the first start (which haproxy loads without a separate check): the route is rejected alone, the rest starts', async () => {
    const weak = makeLeaf(ca, { dnsNames: ['weak.example.com'], keyType: 'rsa', rsaBits: 1024 });
    const r = await startTestRouter({
      args: ['--extended-validation=false'],
      manifests: {
        'edge.json': routeJson({ name: 'edge', host: 'edge.example.com', tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key } }),
        'weak.json': routeJson({ name: 'weak', host: 'weak.example.com', service: 'edge', tls: { termination: 'edge', certificate: weak.cert, key: weak.key } }),
        'eps.yaml': eps('edge', plain),
      },
    });
    try {
      expect(r.router.lastCommit()?.result).toBe('started');
      expect(r.router.lastCommit()?.rejections.get('default/weak')?.message).toContain('haproxy refused');
      expect((await tlsGet(r.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com' })).status).toBe(200);
    } finally {
      await r.stop();
    }
  });
});

describe('a certificate the checks cannot read (explicit EC curve parameters: valid to OpenSSL, not to Go or BoringSSL)', () => {
  test('there at the start, its route is rejected alone and the rest starts; added later with another route, the other goes live', async () => {
    const odd = makeLeaf(ca, { dnsNames: ['odd.example.com'], keyType: 'ec-explicit' });
    const oddRoute = routeJson({ name: 'odd', host: 'odd.example.com', service: 'edge', tls: { termination: 'edge', certificate: odd.cert, key: odd.key } });
    const r = await startTestRouter({
      manifests: { 'edge.json': routeJson({ name: 'edge', host: 'edge.example.com', tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key } }), 'odd.json': oddRoute, 'eps.yaml': eps('edge', plain) },
    });
    try {
      expect(r.router.lastCommit()?.result).toBe('started');
      expect(r.router.lastCommit()?.rejections.get('default/odd')?.message).toContain("the certificate's public key cannot be read");
      expect((await tlsGet(r.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com' })).status).toBe(200);

      // The same route under another name, in the same batch as a plain route: the plain one is served.
      await r.remove('odd.json');
      writeFileSync(join(r.manifestsDir, 'odd2.json'), oddRoute.replace('"name":"odd"', '"name":"odd2"'));
      writeFileSync(join(r.manifestsDir, 'later.json'), routeJson({ name: 'later', host: 'later.example.com', service: 'edge' }));
      const committed = r.router.nextCommit();
      await r.source.rescan();
      await committed;
      expect((await r.get('later.example.com')).backend).toBe('plain');
      expect(r.router.lastCommit()?.rejections.get('default/odd2')?.message).toContain("the certificate's public key cannot be read");
    } finally {
      await r.stop();
    }
  });
});

describe('strict SNI', () => {
  test('refuses a handshake for an unknown name, still serves known names', async () => {
    const strict = await startTestRouter({
      manifests: { 'edge.json': routeJson({ name: 'edge', host: 'edge.example.com', tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key } }), 'eps.yaml': eps('edge', plain) },
      args: ['--strict-sni'],
    });
    try {
      const unknown = await tlsGet(strict.httpsPort, { servername: 'unknown.example.com', host: 'unknown.example.com' });
      expect(unknown.status).toBeUndefined();
      const known = await tlsGet(strict.httpsPort, { servername: 'edge.example.com', host: 'edge.example.com' });
      expect(known.status).toBe(200);
    } finally {
      await strict.stop();
    }
  });
});
