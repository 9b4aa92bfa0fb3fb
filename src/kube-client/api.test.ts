import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { createKubeApi } from './api.ts';
import { describeKubeError } from './errors.ts';
import { buildKubeConfig, type KubeConnection } from './kube-config.ts';
import { listAllPages } from './paginate.ts';
import { makePki, obj, removeDir, status, type Pki } from '../../test/support/kube-client.ts';
import { createTransport } from './transport.ts';

let pki: Pki;
let server: ReturnType<typeof Bun.serve>;
/** Every request the fake API server saw: its path and query, and its Authorization header. */
let requests: { url: string; authorization: string | null }[] = [];
/** When set, the second page of routes answers 410 as an expired continue token does. */
let expireContinue = false;

const routes = [obj('a', '1'), obj('b', '2'), obj('c', '3')];
const slice = (name: string) => ({
  metadata: { name, namespace: 'ns', resourceVersion: '7', labels: { 'kubernetes.io/service-name': 'svc' } },
  addressType: 'IPv4',
  endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
  ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
});

function page(items: unknown[], next?: string) {
  return { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '42', ...(next ? { continue: next } : {}) }, items };
}

function handle(req: Request): Response {
  const url = new URL(req.url);
  requests.push({ url: url.pathname + url.search, authorization: req.headers.get('authorization') });
  if (req.headers.get('authorization') !== 'Bearer good') return Response.json(status(401, 'Unauthorized', 'Unauthorized'), { status: 401 });
  const cont = url.searchParams.get('continue');
  const limited = url.searchParams.has('limit');
  if (url.pathname === '/apis/route.openshift.io/v1/routes') {
    if (!limited) return Response.json(page(routes));
    if (cont === 'p2' && expireContinue) return Response.json(status(410, 'Expired', 'continue token expired'), { status: 410 });
    return Response.json(cont === 'p2' ? page(routes.slice(2)) : page(routes.slice(0, 2), 'p2'));
  }
  if (url.pathname === '/apis/discovery.k8s.io/v1/endpointslices') {
    return Response.json(cont === 's2' ? page([slice('s-2')]) : page([slice('s-1')], 's2'));
  }
  return Response.json(status(404, 'NotFound', 'not found'), { status: 404 });
}

const apiFor = (conn: KubeConnection) => createKubeApi(createTransport(buildKubeConfig(conn, {}, '/nonexistent')));
const serverUrl = () => `https://127.0.0.1:${server.port}`;
const listRoutes = (conn: KubeConnection) => {
  const api = apiFor(conn);
  return (p: { limit?: number; _continue?: string }) =>
    api.customObjects.listClusterCustomObject({ group: 'route.openshift.io', version: 'v1', plural: 'routes', ...p }) as Promise<
      KubernetesListObject<KubernetesObject>
    >;
};

beforeAll(async () => {
  pki = await makePki();
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', tls: { cert: pki.serverCert, key: pki.serverKey }, fetch: handle });
});
afterAll(() => {
  server.stop(true);
  removeDir(pki.dir);
});

describe('client-node API objects on our transport', () => {
  test('honour the CA: a list succeeds with the right CA and is refused with a wrong one', async () => {
    const good = await listRoutes({ server: serverUrl(), certificateAuthority: pki.caFile, token: 'good' })({});
    expect(good.items.map((r) => r.metadata?.name)).toEqual(['a', 'b', 'c']);
    const err = await listRoutes({ server: serverUrl(), certificateAuthority: pki.otherCaFile, token: 'good' })({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(describeKubeError(err)).toMatch(/unable to verify the first certificate/);
  });

  test('honour insecure-skip-tls-verify', async () => {
    const list = await listRoutes({ server: serverUrl(), insecureSkipTlsVerify: true, token: 'good' })({});
    expect(list.items).toHaveLength(3);
  });

  test('send the token, and a refusal reads as one line', async () => {
    requests = [];
    const err = await listRoutes({ server: serverUrl(), certificateAuthority: pki.caFile, token: 'bad' })({}).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(requests[0]?.authorization).toBe('Bearer bad');
    expect(describeKubeError(err)).toBe('401 Unauthorized');
  });
});

describe('pagination', () => {
  test('raw custom-object lists follow `continue`, typed lists follow `_continue`', async () => {
    requests = [];
    const conn = { server: serverUrl(), certificateAuthority: pki.caFile, token: 'good' };
    const all = await listAllPages(listRoutes(conn), 2);
    expect(all.items.map((r) => r.metadata?.name)).toEqual(['a', 'b', 'c']);
    expect(all.metadata?.resourceVersion).toBe('42');
    expect(requests.map((r) => r.url)).toEqual([
      '/apis/route.openshift.io/v1/routes?limit=2',
      '/apis/route.openshift.io/v1/routes?continue=p2&limit=2',
    ]);

    const api = apiFor(conn);
    const slices = await listAllPages((p) => api.discovery.listEndpointSliceForAllNamespaces(p), 1);
    expect(slices.items.map((s) => s.metadata?.name)).toEqual(['s-1', 's-2']);
    expect(slices.items[0]?.endpoints?.[0]?.addresses).toEqual(['10.0.0.1']);
  });

  test('an expired continue token falls back to one unpaginated list', async () => {
    requests = [];
    expireContinue = true;
    try {
      const all = await listAllPages(listRoutes({ server: serverUrl(), certificateAuthority: pki.caFile, token: 'good' }), 2);
      expect(all.items.map((r) => r.metadata?.name)).toEqual(['a', 'b', 'c']);
      expect(requests.map((r) => r.url).at(-1)).toBe('/apis/route.openshift.io/v1/routes');
    } finally {
      expireContinue = false;
    }
  });
});
