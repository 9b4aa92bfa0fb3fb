import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { startBackend, startTlsBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf, type Authority, type Issued } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';
import { shortTempDir } from '../support/workdir.ts';

/** The longest names Kubernetes allows: a 63-character namespace, a 253-character route name. */
const NAMESPACE = `ns-${'n'.repeat(60)}`;
const label = (c: string, n = 63) => c.repeat(n);
const EDGE = [label('e'), label('d'), label('g'), label('x', 61)].join('.');
const REENCRYPT = [label('r'), label('e'), label('n'), label('c', 61)].join('.');

let ca: Authority;
let edgeCert: Issued;
let plain: TestBackend;
let secure: TestBackend;
const workingDir = shortTempDir();
let manifests: Record<string, string>;

beforeAll(() => {
  ca = makeCA('long-ca');
  edgeCert = makeLeaf(ca, { dnsNames: ['edge.long.example.com'] });
  plain = startBackend('plain');
  secure = startTlsBackend('secure', makeLeaf(ca, { dnsNames: ['localhost'] }));
  manifests = {
    'edge.json': routeJson({
      name: EDGE,
      namespace: NAMESPACE,
      host: 'edge.long.example.com',
      service: 'plain',
      tls: { termination: 'edge', certificate: edgeCert.cert, key: edgeCert.key },
    }),
    'reencrypt.json': routeJson({
      name: REENCRYPT,
      namespace: NAMESPACE,
      host: 'reencrypt.long.example.com',
      service: 'secure',
      tls: { termination: 'reencrypt', certificate: edgeCert.cert, key: edgeCert.key, destinationCACertificate: ca.cert },
    }),
    'eps.yaml': `${sliceYaml({ service: 'plain', namespace: NAMESPACE, ports: [plain.port] })}---\n${sliceYaml({ service: 'secure', namespace: NAMESPACE, ports: [secure.port] })}`,
  };
});

afterAll(async () => {
  await plain?.stop();
  await secure?.stop();
  workingDir.remove();
});

async function expectServed(t: TestRouter): Promise<void> {
  const edge = await tlsGet(t.httpsPort, { servername: 'edge.long.example.com', host: 'edge.long.example.com', path: '/e' });
  expect({ status: edge.status, body: edge.body, san: edge.peerSAN }).toEqual({ status: 200, body: 'plain /e\n', san: 'DNS:edge.long.example.com' });
  const reencrypt = await tlsGet(t.httpsPort, { servername: 'reencrypt.long.example.com', host: 'reencrypt.long.example.com', path: '/r' });
  expect({ status: reencrypt.status, body: reencrypt.body }).toEqual({ status: 200, body: 'secure /r\n' });
}

describe('routes with the longest names Kubernetes allows', () => {
  test('are served with their certificates, from files with bounded names, and again after a restart from disk', async () => {
    const first = await startTestRouter({ manifests, args: [`--working-dir=${workingDir.path}`] });
    try {
      expect(first.router.lastCommit()?.rejections).toEqual(new Map());
      await expectServed(first);
      const files = readdirSync(join(workingDir.path, 'certs'));
      // Both routes serve one certificate, from one file; the reencrypt route's CA has its own.
      expect(files.filter((f) => f.startsWith('cert-') || f.startsWith('destca-'))).toHaveLength(2);
      for (const f of files) expect(Buffer.byteLength(f)).toBeLessThanOrEqual(255);
      const check = await checkConfig('haproxy', join(workingDir.path, 'conf', 'haproxy.config'));
      expect(check).toEqual({ ok: true, output: [] });
    } finally {
      await first.stop();
    }

    const second = await startTestRouter({ manifests, args: [`--working-dir=${workingDir.path}`] });
    try {
      await expectServed(second);
    } finally {
      await second.stop();
    }
  });
});
