import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseOptions } from '../../src/cli/parse-options.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { killBinaryRouter, logSays, spawnBinaryRouter, type BinaryRouter } from '../support/binary-router.ts';
import { makeCA, makeSelfSignedLeaf } from '../support/certs.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { freePortPair, get } from '../support/net.ts';
import { shortTempDir } from '../support/workdir.ts';

const EXAMPLE = resolve(import.meta.dir, '../../deploy/router.env.openshift-example');

/** KEY=VALUE lines as systemd's EnvironmentFile reads them: comments skipped, one level of quotes removed. */
function readEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) env[match[1] ?? ''] = (match[2] ?? '').replace(/^"(.*)"$|^'(.*)'$/, '$1$2');
  }
  return env;
}

const dir = shortTempDir();
const upstream = readEnvFile(readFileSync(EXAMPLE, 'utf8'));
/** The block with its paths pointing at this host's files, as the example's header asks. */
const env: Record<string, string> = { ...upstream };
let backend: TestBackend;
let router: BinaryRouter | undefined;

beforeAll(() => {
  backend = startBackend('app');
  const files = (name: string, content: string) => {
    const path = join(dir.path, name);
    writeFileSync(path, content);
    return path;
  };
  const serving = makeSelfSignedLeaf({ dnsNames: ['*.apps.example.com'] });
  mkdirSync(join(dir.path, 'default-certificate'));
  files('default-certificate/tls.crt', serving.cert);
  files('default-certificate/tls.key', serving.key);
  Object.assign(env, {
    DEFAULT_CERTIFICATE_DIR: join(dir.path, 'default-certificate'),
    DEFAULT_DESTINATION_CA_PATH: files('service-ca.crt', makeCA('service-ca').cert),
    STATS_USERNAME_FILE: files('statsUsername', 'admin'),
    STATS_PASSWORD_FILE: files('statsPassword', 'secret'),
    ROUTER_METRICS_TLS_CERT_FILE: files('metrics.crt', serving.cert),
    ROUTER_METRICS_TLS_KEY_FILE: files('metrics.key', serving.key),
  });
  mkdirSync(join(dir.path, 'm'));
  writeFileSync(join(dir.path, 'm', 'app.yaml'), `${routeYaml({ name: 'app', host: 'app.apps.example.com' })}---\n${sliceYaml({ service: 'app', ports: [backend.port] })}`);
});

afterAll(async () => {
  if (router) killBinaryRouter(router);
  await backend.stop();
  dir.remove();
});

describe('deploy/router.env.openshift-example, an environment the ingress operator writes', () => {
  test('holds what the operator always sets', () => {
    for (const name of ['ROUTER_TCP_BALANCE_SCHEME', 'ROUTER_METRICS_TYPE', 'ROUTER_METRICS_TLS_CERT_FILE', 'ROUTER_SET_FORWARDED_HEADERS', 'ROUTER_ENABLE_EXTERNAL_CERTIFICATE', 'ROUTER_DISABLE_HTTP2', 'ROUTER_CIPHERS']) {
      expect(upstream).toHaveProperty(name);
    }
  });

  test('is accepted as a whole', () => {
    const result = parseOptions([`--manifests=${join(dir.path, 'm')}`], env);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  test('starts dist/router, which serves and says once, at info level, what it accepted from openshift-router', async () => {
    const [httpPort, httpsPort] = await freePortPair();
    router = spawnBinaryRouter({ manifestsDir: join(dir.path, 'm'), workingDir: join(dir.path, 'w'), httpPort, httpsPort, env });
    await router.ready();
    expect((await get(httpPort, 'app.apps.example.com')).status).toBe(200);
    for (const setting of ['ROUTER_METRICS_TLS_CIPHERS=', 'ROUTER_SERVICE_NAMESPACE']) {
      const notes = router.lines.filter(logSays(setting)).map((l) => JSON.parse(l) as { level: string });
      expect(notes).toEqual([expect.objectContaining({ level: 'info' })]);
    }
    expect(router.lines.filter((l) => (JSON.parse(l) as { level: string }).level === 'error')).toEqual([]);
    router.proc.kill('SIGTERM');
    expect(await router.exited).toBe(0);
  });
});
