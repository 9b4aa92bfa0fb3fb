import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildKubeConfig, describeServer } from './kube-config.ts';
import { removeDir, writeKubeconfig } from '../../test/support/kube-client.ts';

let dir: string;
const noServiceAccount = '/nonexistent/serviceaccount';

function config(opts: { cluster: string; server: string; user?: Record<string, unknown>; current?: string; context?: string; clusterExtra?: Record<string, unknown> }) {
  const context = opts.context ?? `${opts.cluster}-ctx`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: opts.cluster, cluster: { server: opts.server, ...opts.clusterExtra } }],
    users: [{ name: `${opts.cluster}-user`, user: opts.user ?? { token: `${opts.cluster}-token` } }],
    contexts: [{ name: context, context: { cluster: opts.cluster, user: `${opts.cluster}-user`, namespace: 'ns1' } }],
    ...(opts.current !== undefined ? { 'current-context': opts.current } : {}),
  };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kube-config-'));
});
afterAll(() => removeDir(dir));

describe('kubeconfig precedence', () => {
  test('an explicit --kubeconfig wins over KUBECONFIG and ~/.kube/config', () => {
    const explicit = writeKubeconfig(dir, 'explicit', config({ cluster: 'a', server: 'https://a:6443', current: 'a-ctx' }));
    const fromEnv = writeKubeconfig(dir, 'env', config({ cluster: 'b', server: 'https://b:6443', current: 'b-ctx' }));
    const kc = buildKubeConfig({ kubeconfig: explicit }, { KUBECONFIG: fromEnv, HOME: dir }, noServiceAccount);
    expect(describeServer(kc)).toBe('https://a:6443');
    expect(kc.getCurrentUser()?.token).toBe('a-token');
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('ns1');
  });

  test('a missing explicit --kubeconfig is an error naming it', () => {
    expect(() => buildKubeConfig({ kubeconfig: join(dir, 'nope') }, {}, noServiceAccount)).toThrow(/cannot read kubeconfig .*nope/);
  });

  test('KUBECONFIG files merge, the first definition and current-context winning; missing files are skipped', () => {
    const first = writeKubeconfig(dir, 'first', config({ cluster: 'shared', server: 'https://first:6443', current: 'shared-ctx' }));
    const second = writeKubeconfig(dir, 'second', {
      ...config({ cluster: 'shared', server: 'https://second:6443', current: 'other-ctx' }),
      contexts: [
        { name: 'shared-ctx', context: { cluster: 'shared', user: 'shared-user' } },
        { name: 'other-ctx', context: { cluster: 'other', user: 'shared-user' } },
      ],
      clusters: [
        { name: 'shared', cluster: { server: 'https://second:6443' } },
        { name: 'other', cluster: { server: 'https://other:6443' } },
      ],
    });
    const env = { KUBECONFIG: `${join(dir, 'missing')}:${first}::${second}` };
    expect(describeServer(buildKubeConfig({}, env, noServiceAccount))).toBe('https://first:6443');
    // A context only the second file defines is still reachable.
    expect(describeServer(buildKubeConfig({ context: 'other-ctx' }, env, noServiceAccount))).toBe('https://other:6443');
  });

  test('~/.kube/config is used when neither --kubeconfig nor KUBECONFIG is given', () => {
    const home = join(dir, 'home');
    mkdirSync(join(home, '.kube'), { recursive: true });
    writeKubeconfig(join(home, '.kube'), 'config', config({ cluster: 'h', server: 'https://home:6443', current: 'h-ctx' }));
    expect(describeServer(buildKubeConfig({}, { HOME: home }, noServiceAccount))).toBe('https://home:6443');
  });

  test('a kubeconfig that is not valid, or misses the selected context, cluster or user, is a clear error', () => {
    const bad = writeKubeconfig(dir, 'bad', 'clusters: [');
    expect(() => buildKubeConfig({ kubeconfig: bad }, {}, noServiceAccount)).toThrow(/kubeconfig .*bad is not valid YAML/);
    const ok = writeKubeconfig(dir, 'ctx', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx' }));
    expect(() => buildKubeConfig({ kubeconfig: ok, context: 'nope' }, {}, noServiceAccount)).toThrow(/context "nope" is not defined in kubeconfig .*ctx/);
    const dangling = writeKubeconfig(dir, 'dangling', { ...config({ cluster: 'c', server: 'https://c:6443' }), 'current-context': 'x',
      contexts: [{ name: 'x', context: { cluster: 'gone', user: 'c-user' } }] });
    expect(() => buildKubeConfig({ kubeconfig: dangling }, {}, noServiceAccount)).toThrow(/refers to cluster "gone"/);
    const noServer = writeKubeconfig(dir, 'noserver', { clusters: [{ name: 'c', cluster: {} }] });
    expect(() => buildKubeConfig({ kubeconfig: noServer }, {}, noServiceAccount)).toThrow(/kubeconfig .*noserver is invalid: clusters\[0\]\.cluster\.server is missing/);
  });

  test('in-cluster config when no kubeconfig selects a context', () => {
    const sa = join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), 'pem');
    const kc = buildKubeConfig({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, sa);
    expect(describeServer(kc)).toBe('https://10.0.0.1:443');
    expect(kc.getCurrentCluster()?.caFile).toBe(join(sa, 'ca.crt'));
    expect(kc.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: join(sa, 'token') } });
    const v6 = buildKubeConfig({}, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, sa);
    expect(describeServer(v6)).toBe('https://[fd00::1]:6443');
  });

  test('no kubeconfig, no --server and not in a pod is an error saying what to pass', () => {
    expect(() => buildKubeConfig({}, { HOME: join(dir, 'empty-home') }, noServiceAccount)).toThrow(/no Kubernetes API server configured.*--master/);
  });
});

describe('flag overrides', () => {
  test('--server alone (with --token) needs no kubeconfig, and a bare host:port means https', () => {
    const kc = buildKubeConfig({ server: 'api.example:6443/', token: 't' }, {}, noServiceAccount);
    expect(describeServer(kc)).toBe('https://api.example:6443');
    expect(kc.getCurrentUser()?.token).toBe('t');
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(false);
    expect(() => buildKubeConfig({ server: 'ftp://x' }, {}, noServiceAccount)).toThrow(/scheme must be https or http/);
  });

  test('--server replaces the kubeconfig server and drops its tls-server-name', () => {
    const path = writeKubeconfig(dir, 'tsn', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx', clusterExtra: { 'tls-server-name': 'c.internal' } }));
    const kc = buildKubeConfig({ kubeconfig: path, server: 'https://lb:6443' }, {}, noServiceAccount);
    expect(describeServer(kc)).toBe('https://lb:6443');
    expect(kc.getCurrentCluster()?.tlsServerName).toBeUndefined();
    expect(kc.getCurrentUser()?.token).toBe('c-token');
  });

  test('--token replaces token files, exec plugins and basic auth but keeps client certificates', () => {
    const path = writeKubeconfig(dir, 'tok', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx',
      user: { exec: { command: 'false' }, username: 'u', password: 'p', 'client-certificate': 'c.crt', 'client-key': 'c.key' } }));
    const user = buildKubeConfig({ kubeconfig: path, token: 'override' }, {}, noServiceAccount).getCurrentUser();
    expect(user?.token).toBe('override');
    expect(user?.exec).toBeUndefined();
    expect(user?.username).toBeUndefined();
    expect(user?.certFile).toBe(join(dir, 'c.crt'));
  });

  test('--token-file replaces the kubeconfig token with a re-read token source (absolute path), keeping client certificates', () => {
    const tokenFile = join(dir, 'router.token');
    writeFileSync(tokenFile, 'from-file\n');
    const path = writeKubeconfig(dir, 'tokfile', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx', user: { token: 'inline', 'client-certificate': 'c.crt' } }));
    const user = buildKubeConfig({ kubeconfig: path, tokenFile: relative(process.cwd(), tokenFile) }, {}, noServiceAccount).getCurrentUser();
    expect(user?.token).toBeUndefined();
    expect(user?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile } });
    expect(user?.certFile).toBe(join(dir, 'c.crt'));
  });

  test.each([
    ['missing', undefined, /cannot read the token file .*absent.token/],
    ['empty', ' \n', /the token file .*absent.token is empty/],
    ['holding two tokens', 'one\ntwo\n', /holds more than one token/],
  ])('a --token-file %s is an error at start', (_what, text, error) => {
    const tokenFile = join(dir, 'absent.token');
    rmSync(tokenFile, { force: true });
    if (text !== undefined) writeFileSync(tokenFile, text);
    expect(() => buildKubeConfig({ server: 'https://c:6443', tokenFile }, {}, noServiceAccount)).toThrow(error);
  });

  test('--certificate-authority replaces CA data and insecure; --insecure-skip-tls-verify clears the CA; both at once is refused', () => {
    const path = writeKubeconfig(dir, 'ca', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx',
      clusterExtra: { 'certificate-authority-data': 'AAAA' } }));
    const withCa = buildKubeConfig({ kubeconfig: path, certificateAuthority: 'rel/ca.crt' }, {}, noServiceAccount).getCurrentCluster();
    expect(withCa?.caFile).toBe(join(process.cwd(), 'rel/ca.crt'));
    expect(withCa?.caData).toBeUndefined();
    const insecure = buildKubeConfig({ kubeconfig: path, insecureSkipTlsVerify: true }, {}, noServiceAccount).getCurrentCluster();
    expect(insecure?.skipTLSVerify).toBe(true);
    expect(insecure?.caData).toBeUndefined();
    expect(() => buildKubeConfig({ kubeconfig: path, insecureSkipTlsVerify: true, certificateAuthority: 'ca.crt' }, {}, noServiceAccount))
      .toThrow(/cannot both be set/);
  });

  test('--client-certificate and --client-key replace inline certificate data', () => {
    const path = writeKubeconfig(dir, 'cert', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx',
      user: { 'client-certificate-data': 'AAAA', 'client-key-data': 'BBBB' } }));
    const user = buildKubeConfig({ kubeconfig: path, clientCertificate: '/x/c.crt', clientKey: '/x/c.key' }, {}, noServiceAccount).getCurrentUser();
    expect(user).toMatchObject({ certFile: '/x/c.crt', keyFile: '/x/c.key' });
    expect(user?.certData).toBeUndefined();
    expect(user?.keyData).toBeUndefined();
  });

  test('relative paths in a kubeconfig resolve against its directory; token-file becomes a re-read token source', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    const path = writeKubeconfig(sub, 'config', config({ cluster: 'c', server: 'https://c:6443', current: 'c-ctx',
      clusterExtra: { 'certificate-authority': 'ca.crt' }, user: { 'token-file': 'token' } }));
    const kc = buildKubeConfig({ kubeconfig: path }, {}, noServiceAccount);
    expect(kc.getCurrentCluster()?.caFile).toBe(join(sub, 'ca.crt'));
    expect(kc.getCurrentUser()?.authProvider).toEqual({ name: 'tokenFile', config: { tokenFile: join(sub, 'token') } });
  });
});
