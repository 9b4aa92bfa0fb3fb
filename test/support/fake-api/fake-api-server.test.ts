import { afterEach, describe, expect, test } from 'bun:test';
import { startFakeApiServer, type FakeApiServer, type FakeApiServerOptions, type KubeObject } from './fake-api-server.ts';

const ROUTES = '/apis/route.openshift.io/v1/routes';

let server: FakeApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function start(opts: FakeApiServerOptions = {}): Promise<FakeApiServer> {
  server = await startFakeApiServer(opts);
  return server;
}

function route(name: string, namespace = 'default', opts: { labels?: Record<string, string>; host?: string } = {}): KubeObject {
  return {
    kind: 'Route',
    metadata: { name, namespace, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { host: opts.host ?? `${name}.example.com`, to: { kind: 'Service', name } },
  };
}

// Loosely typed on purpose: tests assert on whatever JSON the server wrote.
async function call(s: FakeApiServer, path: string, init?: RequestInit): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${s.url}${path}`, init);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const names = (list: { items: KubeObject[] }): string[] => list.items.map((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`);

describe('discovery', () => {
  test('/api, /api/v1, /apis and group versions describe the served resources', async () => {
    const s = await start();
    expect((await call(s, '/api')).body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const core = (await call(s, '/api/v1')).body;
    expect(core.kind).toBe('APIResourceList');
    expect(core.resources.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['endpoints', 'services', 'namespaces']));
    const groups = (await call(s, '/apis')).body;
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((g: { name: string }) => g.name)).toEqual(['route.openshift.io', 'discovery.k8s.io', 'networking.k8s.io', 'gateway.networking.k8s.io', 'project.openshift.io']);
    expect((await call(s, '/apis/route.openshift.io')).body.preferredVersion).toEqual({ groupVersion: 'route.openshift.io/v1', version: 'v1' });
    const routes = (await call(s, '/apis/route.openshift.io/v1')).body;
    expect(routes).toMatchObject({ kind: 'APIResourceList', groupVersion: 'route.openshift.io/v1' });
    expect(routes.resources).toContainEqual({ name: 'routes', singularName: 'route', namespaced: true, kind: 'Route', verbs: expect.arrayContaining(['list', 'watch']) });
    expect(routes.resources.map((r: { name: string }) => r.name)).toContain('routes/status');
  });

  test('a disabled group disappears from discovery and its paths 404', async () => {
    const s = await start({ disabledGroups: ['project.openshift.io'] });
    const groups = (await call(s, '/apis')).body.groups.map((g: { name: string }) => g.name);
    expect(groups).not.toContain('project.openshift.io');
    const res = await call(s, '/apis/project.openshift.io/v1/projects');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
  });
});

describe('objects', () => {
  test('the server assigns resourceVersion, uid, creationTimestamp and generation', async () => {
    const s = await start();
    const a = s.create(route('a'));
    const b = s.create({ ...route('b'), metadata: { name: 'b', namespace: 'default', creationTimestamp: '2020-01-02T03:04:05Z' } });
    expect(a.metadata).toMatchObject({ resourceVersion: '1', generation: 1 });
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(b.metadata).toMatchObject({ resourceVersion: '2', creationTimestamp: '2020-01-02T03:04:05Z' });
    expect(a.apiVersion).toBe('route.openshift.io/v1');

    const spec = s.update({ ...a, spec: { host: 'new.example.com' } });
    expect(spec.metadata).toMatchObject({ resourceVersion: '3', generation: 2, uid: a.metadata.uid });
    const labelled = s.update({ ...spec, metadata: { ...spec.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata).toMatchObject({ resourceVersion: '4', generation: 2 });
    expect(s.resourceVersion).toBe('4');
    expect(() => s.create(route('a'))).toThrow('already exists');
    expect(() => s.create({ kind: 'Project', metadata: { name: 'p' } })).toThrow('unsupported kind');

    s.remove('Route', 'default', 'b');
    expect(s.get('Route', 'default', 'b')).toBeUndefined();
    expect(s.list('Route').map((r) => r.metadata.name)).toEqual(['a']);
  });

  test('GET one object, and its 404 Status', async () => {
    const s = await start();
    s.create(route('a', 'ns1'));
    const ok = await call(s, '/apis/route.openshift.io/v1/namespaces/ns1/routes/a');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ kind: 'Route', apiVersion: 'route.openshift.io/v1', metadata: { name: 'a', namespace: 'ns1' } });
    const missing = await call(s, '/apis/route.openshift.io/v1/namespaces/ns1/routes/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'routes.route.openshift.io "nope" not found',
      reason: 'NotFound', details: { name: 'nope', group: 'route.openshift.io', kind: 'routes' }, code: 404,
    });
    expect((await call(s, '/api/v1/namespaces/ns1/endpoints/x')).body.message).toBe('endpoints "x" not found');
    expect((await call(s, '/apis/route.openshift.io/v1/routes/a')).status).toBe(404);
    expect((await call(s, '/nonsense')).status).toBe(404);
  });

  test('namespaces get the defaults the API server sets, and projects mirror them', async () => {
    const s = await start();
    s.create({ kind: 'Namespace', metadata: { name: 'team-a', labels: { env: 'prod' } } });
    const ns = (await call(s, '/api/v1/namespaces/team-a')).body;
    expect(ns.metadata.labels).toEqual({ env: 'prod', 'kubernetes.io/metadata.name': 'team-a' });
    expect(ns.status).toEqual({ phase: 'Active' });
    const projects = (await call(s, '/apis/project.openshift.io/v1/projects?labelSelector=env%3Dprod')).body;
    expect(projects).toMatchObject({ kind: 'ProjectList', apiVersion: 'project.openshift.io/v1' });
    expect(projects.items).toHaveLength(1);
    expect(projects.items[0]).toMatchObject({ kind: 'Project', apiVersion: 'project.openshift.io/v1', metadata: { name: 'team-a', uid: ns.metadata.uid } });
  });
});

describe('list', () => {
  async function seeded(): Promise<FakeApiServer> {
    const s = await start();
    s.create(route('web', 'a', { labels: { app: 'web', tier: 'front' } }));
    s.create(route('api', 'a', { labels: { app: 'api', tier: 'back' } }));
    s.create(route('web', 'b', { labels: { app: 'web' }, host: 'shared.example.com' }));
    s.create(route('db', 'b'));
    return s;
  }

  test('cluster-wide and namespaced lists in key order with the current resourceVersion', async () => {
    const s = await seeded();
    const all = await call(s, ROUTES);
    expect(all.headers.get('content-type')).toBe('application/json');
    expect(all.body).toMatchObject({ kind: 'RouteList', apiVersion: 'route.openshift.io/v1', metadata: { resourceVersion: '4' } });
    expect(names(all.body)).toEqual(['a/api', 'a/web', 'b/db', 'b/web']);
    expect(all.body.items[0]).toMatchObject({ kind: 'Route', apiVersion: 'route.openshift.io/v1' });
    expect(names((await call(s, '/apis/route.openshift.io/v1/namespaces/b/routes')).body)).toEqual(['b/db', 'b/web']);
    // resourceVersion on a list is accepted and ignored
    expect(names((await call(s, `${ROUTES}?resourceVersion=0`)).body)).toHaveLength(4);
  });

  test('label selectors', async () => {
    const s = await seeded();
    const sel = async (q: string): Promise<string[]> => names((await call(s, `${ROUTES}?labelSelector=${encodeURIComponent(q)}`)).body);
    expect(await sel('app=web')).toEqual(['a/web', 'b/web']);
    expect(await sel('app==web,tier=front')).toEqual(['a/web']);
    expect(await sel('app!=web')).toEqual(['a/api', 'b/db']);
    expect(await sel('app in (api,web)')).toEqual(['a/api', 'a/web', 'b/web']);
    expect(await sel('app notin (web)')).toEqual(['a/api', 'b/db']);
    expect(await sel('tier')).toEqual(['a/api', 'a/web']);
    expect(await sel('!tier')).toEqual(['b/db', 'b/web']);
    const bad = await call(s, `${ROUTES}?labelSelector=${encodeURIComponent('a in b')}`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
  });

  test('field selectors', async () => {
    const s = await seeded();
    const sel = async (q: string): Promise<string[]> => names((await call(s, `${ROUTES}?fieldSelector=${encodeURIComponent(q)}`)).body);
    expect(await sel('metadata.name=web')).toEqual(['a/web', 'b/web']);
    expect(await sel('metadata.namespace==b,metadata.name!=web')).toEqual(['b/db']);
    expect(await sel('spec.host=shared.example.com')).toEqual(['b/web']);
    expect((await call(s, `${ROUTES}?fieldSelector=spec.nope%3Dx`)).body.message).toBe('field label not supported: spec.nope');
  });

  test('limit/continue pages a consistent snapshot; expire makes the token 410', async () => {
    const s = await seeded();
    const first = (await call(s, `${ROUTES}?limit=3`)).body;
    expect(names(first)).toEqual(['a/api', 'a/web', 'b/db']);
    expect(first.metadata.continue).toBeString();
    s.create(route('aaa', 'a'));
    const second = (await call(s, `${ROUTES}?limit=3&continue=${first.metadata.continue}`)).body;
    expect(names(second)).toEqual(['b/web']);
    expect(second.metadata).toEqual({ resourceVersion: '4' });

    const again = (await call(s, `${ROUTES}?limit=2`)).body;
    s.expire();
    const expired = await call(s, `${ROUTES}?limit=2&continue=${again.metadata.continue}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect((await call(s, `${ROUTES}?continue=bogus`)).status).toBe(400);
  });
});

describe('auth and faults', () => {
  test('a token is required when set: 401 Status without it', async () => {
    const s = await start({ token: 'sekret' });
    const denied = await call(s, ROUTES);
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    expect((await call(s, ROUTES, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await call(s, `${ROUTES}?limit=5`, { headers: { Authorization: 'Bearer sekret' } });
    expect(ok.status).toBe(200);
    expect(s.requests.at(-1)).toMatchObject({ method: 'GET', path: ROUTES, query: { limit: '5' }, headers: { authorization: 'Bearer sekret' } });
  });

  test('forbidden resources get the RBAC 403 Status', async () => {
    const s = await start({ forbidden: ['routes', 'endpoints'] });
    const cluster = await call(s, ROUTES);
    expect(cluster.status).toBe(403);
    expect(cluster.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'routes.route.openshift.io is forbidden: User "system:anonymous" cannot list resource "routes" in API group "route.openshift.io" at the cluster scope',
      reason: 'Forbidden', details: { group: 'route.openshift.io', kind: 'routes' }, code: 403,
    });
    expect((await call(s, '/api/v1/namespaces/x/endpoints?watch=true')).body.message).toBe(
      'endpoints is forbidden: User "system:anonymous" cannot watch resource "endpoints" in API group "" in the namespace "x"');
    expect((await call(s, '/apis/discovery.k8s.io/v1/endpointslices')).status).toBe(200);
  });

  test('failNext answers the next n requests with that status and a Status body', async () => {
    const s = await start();
    s.failNext(2, 503);
    for (let i = 0; i < 2; i++) {
      const res = await call(s, ROUTES);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'ServiceUnavailable', code: 503 });
    }
    expect((await call(s, ROUTES)).status).toBe(200);
  });

  test('failNext with a Retry-After answers as API Priority and Fairness throttles: 429, the header and the details', async () => {
    const s = await start();
    s.failNext(1, 429, 2);
    const res = await fetch(`${s.url}${ROUTES}`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Too many requests, please try again later.', reason: 'TooManyRequests', details: { retryAfterSeconds: 2 }, code: 429,
    });
    expect((await call(s, ROUTES)).status).toBe(200);
  });

  test('failNext with a path filter fails only the requests it accepts', async () => {
    const s = await start();
    s.failNext(1, 503, undefined, (path) => path.endsWith('/endpointslices'));
    expect((await call(s, ROUTES)).status).toBe(200);
    expect((await call(s, '/apis/discovery.k8s.io/v1/endpointslices')).status).toBe(503);
    expect((await call(s, '/apis/discovery.k8s.io/v1/endpointslices')).status).toBe(200);
  });

  test('stall holds requests until released', async () => {
    const s = await start();
    s.stall(true);
    const pending = fetch(`${s.url}${ROUTES}?labelSelector=probe`);
    await s.waitForRequest((r) => r.query.labelSelector === 'probe');
    expect(Bun.peek.status(pending)).toBe('pending');
    s.create(route('late'));
    s.stall(false);
    const body = (await (await pending).json()) as { items: KubeObject[] };
    expect(body.items).toEqual([]);
  });
});

describe('route status subresource', () => {
  const STATUS = '/apis/route.openshift.io/v1/namespaces/default/routes/a/status';
  const ingress = (host: string) => ({ ingress: [{ host, routerName: 'default', conditions: [{ type: 'Admitted', status: 'True' }] }] });

  test('PUT takes only .status, checks resourceVersion (409) and skips no-op writes', async () => {
    const s = await start();
    const created = s.create(route('a'));
    const put = (body: unknown) => call(s, STATUS, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

    const stale = await put({ ...created, metadata: { ...created.metadata, resourceVersion: '999' }, status: ingress('a') });
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'Operation cannot be fulfilled on routes.route.openshift.io "a": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict', details: { name: 'a', group: 'route.openshift.io', kind: 'routes' }, code: 409,
    });

    const ok = await put({ ...created, spec: { host: 'ignored.example.com' }, status: ingress('a.example.com') });
    expect(ok.status).toBe(200);
    expect(ok.body.status).toEqual(ingress('a.example.com'));
    expect(ok.body.spec.host).toBe('a.example.com');
    expect(ok.body.metadata).toMatchObject({ resourceVersion: '2', generation: 1 });

    const noop = await put(ok.body);
    expect(noop.body.metadata.resourceVersion).toBe('2');
    expect(s.resourceVersion).toBe('2');
  });

  test('merge patch, strategic merge patch and json patch with a resourceVersion test', async () => {
    const s = await start();
    s.create(route('a'));
    const patch = (type: string, body: unknown) =>
      call(s, STATUS, { method: 'PATCH', headers: { 'Content-Type': type }, body: JSON.stringify(body) });

    const merged = await patch('application/merge-patch+json', { status: ingress('one') });
    expect(merged.status).toBe(200);
    expect(merged.body.status).toEqual(ingress('one'));

    const strategic = await patch('application/strategic-merge-patch+json', { status: { extra: true } });
    expect(strategic.body.status).toEqual({ ...ingress('one'), extra: true });

    const rv = strategic.body.metadata.resourceVersion as string;
    const jp = await patch('application/json-patch+json', [
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'replace', path: '/status/ingress/0/host', value: 'two' },
      { op: 'remove', path: '/status/extra' },
    ]);
    expect(jp.status).toBe(200);
    expect(jp.body.status).toEqual(ingress('two'));

    const failedTest = await patch('application/json-patch+json', [{ op: 'test', path: '/metadata/resourceVersion', value: rv }]);
    expect(failedTest.status).toBe(422);
    expect(failedTest.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });

    const staleMerge = await patch('application/merge-patch+json', { metadata: { resourceVersion: rv }, status: {} });
    expect(staleMerge.status).toBe(409);
    expect((await patch('text/plain', {})).status).toBe(415);
    expect((await call(s, '/apis/route.openshift.io/v1/namespaces/default/routes/nope/status', {
      method: 'PATCH', headers: { 'Content-Type': 'application/merge-patch+json' }, body: '{}',
    })).status).toBe(404);
  });

  test('writes to the main resource are not served', async () => {
    const s = await start();
    s.create(route('a'));
    const res = await call(s, '/apis/route.openshift.io/v1/namespaces/default/routes/a', { method: 'PUT', body: '{}' });
    expect(res.status).toBe(405);
    expect(res.body.reason).toBe('MethodNotAllowed');
  });
});
