import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf } from '../support/certs.ts';
import { sliceYaml } from '../support/manifests.ts';
import { rawRequest } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { tlsGet } from '../support/tls-client.ts';
import { shortTempDir } from '../support/workdir.ts';

/** A marker every injection attempt carries, so any of them reaching a file is found by one search. */
const MARK = 'INJECTED-7f3a';
const HOSTILE_VALUES = [`5s\n  bind :1 # ${MARK}`, `%[src] ${MARK}`, `"${MARK}" ' \\ ;`, `\r\nserver x 1.2.3.4:1 ${MARK}`, `${MARK}\u0085\u2028`];

let backend: TestBackend;
let t: TestRouter;
const dir = shortTempDir();
const workingDir = join(dir.path, 'w');

beforeAll(async () => {
  backend = startBackend('web');
  // What a careless earlier install might have left: everything open to everyone.
  for (const sub of ['', 'run', 'generations', 'certs']) mkdirSync(join(workingDir, sub), { recursive: true });
  for (const sub of ['', 'run', 'generations', 'certs']) chmodSync(join(workingDir, sub), 0o777);
  const ca = makeCA('modes-ca');
  const cert = makeLeaf(ca, { dnsNames: ['web.example.com'] });
  const annotations = Object.fromEntries(
    HOSTILE_VALUES.flatMap((v, i) => [
      [`haproxy.router.openshift.io/timeout-${i}`, v],
      ['haproxy.router.openshift.io/timeout', v],
      ['haproxy.router.openshift.io/hsts_header', v],
      ['haproxy.router.openshift.io/set-forwarded-headers', v],
    ]),
  );
  const route = {
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name: 'web', namespace: 'default', annotations, labels: { app: 'web' } },
    spec: { host: 'web.example.com', to: { kind: 'Service', name: 'web' }, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow', certificate: cert.cert, key: cert.key } },
  };
  t = await startTestRouter({
    args: [`--working-dir=${workingDir}`],
    manifests: { 'web.json': JSON.stringify(route), 'eps.yaml': sliceYaml({ service: 'web', ports: [backend.port] }) },
  });
});

afterAll(async () => {
  await t?.stop();
  await backend?.stop();
  dir.remove();
});

const modeOf = (path: string) => statSync(path).mode & 0o7777;

/** Every regular file under `root`, with its contents. */
function filesUnder(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    const path = join(root, entry);
    const st = lstatSync(path);
    if (st.isFile()) files.set(entry, readFileSync(path, 'latin1'));
  }
  return files;
}

describe('files, directories and sockets after start', () => {
  test('the working dir, run/ and generations are 0750 whatever existed before; certs 0700', () => {
    expect({
      workingDir: modeOf(workingDir),
      run: modeOf(join(workingDir, 'run')),
      generations: modeOf(join(workingDir, 'generations')),
      generation: modeOf(join(workingDir, readlinkSync(join(workingDir, 'conf')))),
      certs: modeOf(join(workingDir, 'certs')),
      acl: modeOf(join(workingDir, 'conf', 'acl')),
      shared: modeOf(join(workingDir, 'shared')),
    }).toEqual({ workingDir: 0o750, run: 0o750, generations: 0o750, generation: 0o750, certs: 0o700, acl: 0o750, shared: 0o750 });
  });

  test('generation files are 0640, keys 0600', () => {
    const generation = join(workingDir, 'conf');
    // The allowlists' directory (a link to shared/) is checked above; its files are checked here.
    const names = [...readdirSync(generation).filter((name) => name !== 'acl'), ...readdirSync(join(generation, 'acl')).map((name) => join('acl', name))];
    expect(names).toContainEqual(expect.stringMatching(/^acl\/allowlist-/));
    for (const name of names) {
      expect({ name, mode: modeOf(join(generation, name)) }).toEqual({ name, mode: name.endsWith('.pem') ? 0o600 : 0o640 });
    }
    for (const name of readdirSync(join(workingDir, 'certs'))) {
      expect({ name, mode: modeOf(join(workingDir, 'certs', name)) }).toEqual({ name, mode: 0o600 });
    }
  });

  test('every socket, the TLS hand-off ones included, is for its owner only', () => {
    const run = join(workingDir, 'run');
    const sockets = readdirSync(run).filter((name) => statSync(join(run, name)).isSocket());
    expect(sockets.sort()).toEqual(['haproxy-no-sni.sock', 'haproxy-sni.sock', 'haproxy.sock', 'master.sock']);
    for (const name of sockets) expect({ name, mode: modeOf(join(run, name)) & 0o777 }).toEqual({ name, mode: 0o600 });
  });
});

describe('injection attempts', () => {
  test('annotation values never reach a file', () => {
    const files = filesUnder(workingDir);
    expect(files.size).toBeGreaterThan(5);
    expect([...files].filter(([, text]) => text.includes(MARK)).map(([name]) => name)).toEqual([]);
  });

  test('request header values never reach a file, and the route keeps serving', async () => {
    const before = filesUnder(workingDir);
    const headers = HOSTILE_VALUES.map((v, i) => `X-Attempt-${i}: ${v.replace(/[\r\n]/g, ' ')}`);
    for (const lines of [[`Host: web.example.com`, ...headers], [`Host: web.example.com`, `X-Forwarded-Host: ${MARK}`, `Cookie: ${MARK}=%[src]`]]) {
      expect((await rawRequest(t.httpPort, `/?${MARK}=%0abind`, lines)).status).toBe(200);
    }
    const tls = await tlsGet(t.httpsPort, { servername: 'web.example.com', host: 'web.example.com', path: `/${MARK}`, headers: { 'X-Attempt': `%[src] ${MARK}` } });
    expect(tls.status).toBe(200);
    await t.router.flush();
    expect(filesUnder(workingDir)).toEqual(before);
  });
});
