import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { admitRoutes } from '../../src/admission/admit-routes.ts';
import type { AdmissionSettings } from '../../src/admission/settings.ts';
import { admissionSettings } from '../support/admission.ts';
import { cachedTlsValidator } from '../../src/admission/tls-cache.ts';
import { buildConfigModel, routeKeyHost } from '../../src/config/build-model.ts';
import { EMBEDDED_ASSETS } from '../../src/config/embedded-assets.ts';
import { normalisePath } from '../../src/config/map-entries.ts';
import { createRenderer } from '../../src/config/render.ts';
import { clampServiceWeight } from '../../src/config/weights.ts';
import { backendName } from '../../src/domain/names.ts';
import { objectKey, type Route } from '../../src/domain/route.ts';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { writeTicketKeys } from '../../src/haproxy/ticket-keys.ts';
import { validateRouteTls } from '../../src/tls/validate-route-tls.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeSelfSignedLeaf } from '../support/certs.ts';
import { route, settings, slice } from '../support/fixtures.ts';
import { hostileRoutes } from '../support/hostile-routes.ts';
import { sliceYaml } from '../support/manifests.ts';
import { rawGet } from '../support/net.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

const ADMISSION: AdmissionSettings = admissionSettings({ allowWildcardRoutes: true });
const REASONS = ['InvalidHost', 'NoHostValue', 'HostAlreadyClaimed', 'RouteNotAdmitted', 'ExtendedValidationFailed'];
const GOOD = [route({ name: 'good-a', namespace: 'good', host: 'good-a.example.com', creationTimestamp: '2020-01-01T00:00:00Z' }), route({ name: 'good-b', namespace: 'good', host: 'good-b.example.com', path: '/api', creationTimestamp: '2020-01-01T00:00:00Z' })];

const dir = shortTempDir();
afterAll(() => dir.remove());
const serving = makeSelfSignedLeaf({ dnsNames: ['default.example.com'] });
const ticketKeysPath = await writeTicketKeys(dir.path);

describe('thousands of hostile routes', () => {
  test.each([1, 2, 3, 4])('seed %i: each route is admitted as written or rejected with a reason, and haproxy accepts the config', async (seed) => {
    const routes = [...GOOD, ...hostileRoutes(1000, seed)];
    const { admitted, rejected } = admitRoutes(routes, ADMISSION, cachedTlsValidator(validateRouteTls).validate);
    expect(admitted.length + rejected.size).toBe(routes.length);
    for (const r of rejected.values()) {
      expect(REASONS).toContain(r.reason);
      expect(r.message.length).toBeGreaterThan(0);
      expect(r.message).not.toMatch(/[\n\r]/);
    }
    expect(admitted.map(objectKey)).toEqual(expect.arrayContaining(GOOD.map(objectKey)));

    const base = settings();
    const model = buildConfigModel({
      routes: admitted,
      slices: [slice('hostile', ['10.0.0.1', '10.0.0.2'], { namespace: 'ns1' }), slice('good-a', ['10.0.0.3'], { namespace: 'good' })],
      settings: settings({ adminSocketPath: join(dir.path, 'admin.sock'), certDir: dir.path, tls: { ...base.tls, ticketKeysPath } }),
      allowAddress: () => true,
      defaultCertificate: `${serving.key}${serving.cert}`,
    });
    // Served as written: every admitted HTTP route's host+path is a map key pointing at its backend.
    const keys = new Map([...model.maps['os_http_be.map'], ...model.maps['os_http_be_prefix.map']].map((e) => [e.key, e.value]));
    for (const r of admitted.filter((r) => r.tls === undefined)) {
      const p = normalisePath(r.path);
      const key = p === '' ? `${routeKeyHost(r)}/` : p.endsWith('/') ? `${routeKeyHost(r)}${p}` : `${routeKeyHost(r)}${p}`;
      expect(keys.get(key)).toBe(backendName('http', r.namespace, r.name));
    }
    const files = createRenderer(EMBEDDED_ASSETS)(model);
    const genDir = join(dir.path, `seed-${seed}`);
    for (const [name, text] of files) await Bun.write(join(genDir, name), text);
    for (const cert of model.certificates) await Bun.write(join(dir.path, cert.name), cert.pem);
    const check = await checkConfig('haproxy', join(genDir, 'haproxy.config'));
    expect(check.output).toEqual([]);
    expect(check.ok).toBe(true);
  });
});

describe('hostile routes next to good ones, through a running router', () => {
  let hostile: TestBackend;
  let good: TestBackend;
  let t: TestRouter;
  let admitted: Route[];

  beforeAll(async () => {
    hostile = startBackend('hostile');
    good = startBackend('good');
    // A manifest without a namespace lands in "default", as kubectl would put it.
    const routes = hostileRoutes(400, 42)
      .filter((r) => r.tls === undefined)
      .map((r) => (r.namespace === '' ? { ...r, namespace: 'default' } : r));
    // The same set the router sees: the good routes take part in ownership and wildcard claims.
    ({ admitted } = admitRoutes([...GOOD, ...routes], ADMISSION));
    admitted = admitted.filter((r) => r.namespace !== 'good');
    const asManifest = (r: Route) => ({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: r.name, namespace: r.namespace, uid: r.uid, creationTimestamp: r.creationTimestamp },
      spec: { host: r.host, path: r.path, to: r.to, wildcardPolicy: r.wildcardPolicy, ...(r.targetPort !== undefined ? { port: { targetPort: r.targetPort } } : {}) },
    });
    const manifests: Record<string, string> = {
      'hostile.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: routes.map(asManifest) }),
      'good.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: GOOD.map(asManifest) }),
      'eps.yaml': ['ns1', 'ns2', 'ns3'].map((namespace) => sliceYaml({ service: 'hostile', namespace, ports: [hostile.port] })).join('---\n') +
        '---\n' + ['good-a', 'good-b'].map((service) => sliceYaml({ service, namespace: 'good', ports: [good.port] })).join('---\n'),
    };
    t = await startTestRouter({ manifests, args: ['--allow-wildcard-routes'] });
  });

  afterAll(async () => {
    await t?.stop();
    await hostile?.stop();
    await good?.stop();
  });

  test('the good routes keep serving', async () => {
    expect((await t.get('good-a.example.com', '/')).backend).toBe('good');
    expect((await t.get('good-b.example.com', '/api/x')).backend).toBe('good');
  });

  test('every admitted hostile route serves its exact path', async () => {
    expect(admitted.length).toBeGreaterThan(20);
    for (const r of admitted) {
      // A weight of 0 (or less) asks for no traffic, and a target port the endpoints lack selects no server.
      if (r.targetPort !== undefined || clampServiceWeight(r.to.weight) === 0) continue;
      const host = r.wildcardPolicy === 'Subdomain' ? `any${routeKeyHost(r)}` : r.host;
      const res = await rawGet(t.httpPort, host, normalisePath(r.path) || '/');
      expect({ route: objectKey(r), path: r.path, status: res.status }).toEqual({ route: objectKey(r), path: r.path, status: 200 });
    }
  });
});
