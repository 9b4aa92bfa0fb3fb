import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeIntermediate, makeLeaf } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';

let backend: TestBackend;
const routers: TestRouter[] = [];

beforeAll(() => {
  backend = startBackend('web');
});
afterAll(async () => {
  for (const t of routers) await t.stop();
  await backend?.stop();
});

describe('certificate chain caps', () => {
  test.each([['on'], ['off']])('with extended validation %s, an 11-certificate chain is rejected alone with the reason; a real chain is served', async (validation) => {
    const root = makeCA('caps-root');
    const intermediate = makeIntermediate(root, 'caps-intermediate');
    const good = makeLeaf(intermediate, { dnsNames: ['good.example.com'] });
    const padded = makeLeaf(intermediate, { dnsNames: ['padded.example.com'] });
    const t = await startTestRouter({
      args: [`--extended-validation=${validation === 'on'}`],
      manifests: {
        'good.json': routeJson({ name: 'good', host: 'good.example.com', service: 'web', tls: { termination: 'edge', certificate: good.chain, key: good.key } }),
        'padded.json': routeJson({
          name: 'padded',
          host: 'padded.example.com',
          service: 'web',
          tls: { termination: 'edge', certificate: padded.chain, key: padded.key, caCertificate: root.cert.repeat(9) },
        }),
        'eps.yaml': sliceYaml({ service: 'web', ports: [backend.port] }),
      },
    });
    routers.push(t);
    expect(t.router.lastCommit()?.rejections.get('default/padded')).toEqual({
      reason: 'ExtendedValidationFailed',
      message: 'spec.tls.certificate: Invalid value: "redacted certificate data": the chain (certificate and caCertificate) holds 11 certificates, at most 10 are allowed',
    });
    const served = await tlsGet(t.httpsPort, { servername: 'good.example.com', host: 'good.example.com' });
    expect({ status: served.status, san: served.peerSAN }).toEqual({ status: 200, san: 'DNS:good.example.com' });
    const certDir = join(t.workingDir, 'certs');
    const written = readdirSync(certDir).filter((f) => f.startsWith('cert-'));
    expect(written.map((f) => readFileSync(join(certDir, f), 'utf8').includes(padded.cert.trim()))).toEqual([false]);
  });
});
