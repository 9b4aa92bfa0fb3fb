import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { ingressClassObject, ingressObject } from '../../support/ingress-objects.ts';
import { KubeTestbed, createApp, modify, routeObject, serviceObject, sliceObject, storedIngress, type KubeTestRouter } from '../../support/kube-harness.ts';

setDefaultTimeout(20_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const INGRESS = ['--enable-ingress'];

/** Which backend answers each path of `host` (`503` when none). */
async function answers(t: KubeTestRouter, host: string, paths: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of paths) {
    const res = await t.get(host, path);
    out[path] = res.status === 200 ? (res.backend ?? '?') : String(res.status);
  }
  return out;
}

describe('Ingresses from the API', () => {
  test('each path type: Prefix on segment boundaries (a trailing slash ignored), Exact only itself, ImplementationSpecific as a route path', async () => {
    const api = await bed.startApi();
    for (const name of ['web', 'api', 'login', 'static']) bed.app(api.server, name);
    api.server.create(
      ingressObject({
        name: 'shop',
        rules: [
          {
            host: 'shop.example.com',
            paths: [
              { path: '/', service: 'web' },
              { path: '/api/', pathType: 'Prefix', service: 'api', port: 80 },
              { path: '/login', pathType: 'Exact', service: 'login' },
              { path: '/static/', pathType: 'ImplementationSpecific', service: 'static' },
            ],
          },
        ],
      }),
    );
    const t = await bed.startRouter(api, { args: INGRESS });
    expect(await answers(t, 'shop.example.com', ['/', '/api', '/api/v1', '/apix', '/login', '/login/x', '/static/a.css', '/static'])).toEqual({
      '/': 'web',
      '/api': 'api',
      '/api/v1': 'api',
      '/apix': 'web',
      '/login': 'login',
      '/login/x': 'web',
      '/static/a.css': 'static',
      '/static': 'web',
    });
    expect((await t.get('other.example.com')).status).toBe(503);
  });

  test('without --enable-ingress, Ingresses are not read', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'web');
    api.server.create(ingressObject({ name: 'web', rules: [{ host: 'web.example.com', paths: [{ service: 'web' }] }] }));
    const t = await bed.startRouter(api);
    expect((await t.get('web.example.com')).status).toBe(503);
    expect(api.server.requests.some((r) => r.path.includes('ingresses'))).toBe(false);
  });

  test('a wildcard host serves every name of its domain, never the domain itself, and not an exact host a Route holds', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'wild');
    createApp(api.server, { name: 'exact', host: 'www.apps.example.com', port: bed.startBackend('exact').port });
    api.server.create(ingressObject({ name: 'wild', rules: [{ host: '*.apps.example.com', paths: [{ service: 'wild' }] }] }));
    const t = await bed.startRouter(api, { args: [...INGRESS, '--allow-wildcard-routes'] });
    expect((await t.get('a.apps.example.com')).backend).toBe('wild');
    expect((await t.get('www.apps.example.com')).backend).toBe('exact');
    expect((await t.get('apps.example.com')).status).toBe(503);
  });

  test('the default backend serves what the Ingress\'s own hosts do not otherwise match, and no other host; one with no rules is not served', async () => {
    const api = await bed.startApi();
    for (const name of ['api', 'fallback', 'catchall']) bed.app(api.server, name);
    api.server.create(
      ingressObject({
        name: 'shop',
        defaultBackend: { service: 'fallback' },
        rules: [{ host: 'a.example.com', paths: [{ path: '/api', service: 'api' }] }, { host: 'b.example.com' }],
      }),
    );
    api.server.create(ingressObject({ name: 'greedy', defaultBackend: { service: 'catchall' }, rules: [] }));
    const t = await bed.startRouter(api, { args: INGRESS });
    expect(await answers(t, 'a.example.com', ['/', '/api/v1', '/other'])).toEqual({ '/': 'fallback', '/api/v1': 'api', '/other': 'fallback' });
    expect(await answers(t, 'b.example.com', ['/x'])).toEqual({ '/x': 'fallback' });
    expect(await answers(t, 'c.example.com', ['/'])).toEqual({ '/': '503' });
    expect(t.logs.filter((r) => r.msg.includes('default/greedy')).map((r) => [r.level, r.msg])).toEqual([
      ['warn', 'Ingress default/greedy: has only a default backend, which would catch every host: not served (name the hosts in rules)'],
    ]);
  });

  test('class selection: the annotation over the field, a class with our controller, no class while no other controller is the default; other classes ignored', async () => {
    const api = await bed.startApi();
    for (const name of ['field', 'annotated', 'foreign', 'classless']) bed.app(api.server, name);
    api.server.create(ingressClassObject('router', 'openshift.io/ingress-to-route'));
    api.server.create(ingressClassObject('nginx', 'k8s.io/ingress-nginx'));
    const rules = (name: string) => [{ host: `${name}.example.com`, paths: [{ service: name }] }];
    api.server.create(ingressObject({ name: 'field', className: 'router', rules: rules('field') }));
    api.server.create(ingressObject({ name: 'annotated', className: 'nginx', annotations: { 'kubernetes.io/ingress.class': 'router' }, rules: rules('annotated') }));
    api.server.create(ingressObject({ name: 'foreign', className: 'nginx', rules: rules('foreign') }));
    api.server.create(ingressObject({ name: 'classless', rules: rules('classless') }));
    const t = await bed.startRouter(api, { args: INGRESS });
    const served = async () => Object.fromEntries(await Promise.all(['field', 'annotated', 'foreign', 'classless'].map(async (n) => [n, (await t.get(`${n}.example.com`)).status])));
    expect(await served()).toEqual({ field: 200, annotated: 200, foreign: 503, classless: 200 });
    expect(t.logs.find((r) => r.msg.startsWith('Ingress default/foreign'))).toMatchObject({ level: 'debug', msg: 'Ingress default/foreign is not served: its class nginx belongs to controller "k8s.io/ingress-nginx"' });

    // Another controller's class becomes the default: it serves Ingresses without a class now.
    modify(api.server, 'IngressClass', undefined, 'nginx', (c) => {
      c.metadata.annotations = { 'ingressclass.kubernetes.io/is-default-class': 'true' };
    });
    await t.untilServed('classless.example.com', 503);
    // Ours becomes a default too: Ingresses without a class are ours again.
    modify(api.server, 'IngressClass', undefined, 'router', (c) => {
      c.metadata.annotations = { 'ingressclass.kubernetes.io/is-default-class': 'true' };
    });
    await t.untilServed('classless.example.com', 'classless');
    // --ingress-class-controller picks whose Ingresses are served.
    const nginx = await bed.startRouter(api, { args: [...INGRESS, '--ingress-class-controller=k8s.io/ingress-nginx'] });
    expect(await Promise.all(['field', 'foreign'].map(async (n) => (await nginx.get(`${n}.example.com`)).status))).toEqual([503, 200]);
  });

  test('the default backend takes no path from a younger route: a Route or an Ingress of the namespace on the whole host wins over it', async () => {
    const api = await bed.startApi();
    for (const name of ['api', 'fallback', 'site']) bed.app(api.server, name, 'shop');
    api.server.create(serviceObject('www', 'shop'));
    api.server.create(sliceObject({ service: 'www', port: bed.startBackend('www').port, namespace: 'shop' }));
    api.server.create(ingressObject({ name: 'api', namespace: 'shop', creationTimestamp: '2020-01-01T00:00:00Z', defaultBackend: { service: 'fallback' }, rules: [{ host: 'a.example.com', paths: [{ path: '/api', service: 'api' }] }, { host: 'b.example.com', paths: [{ path: '/api', service: 'api' }] }] }));
    api.server.create(routeObject({ name: 'www', namespace: 'shop', host: 'a.example.com', service: 'www', creationTimestamp: '2026-01-01T00:00:00Z' }));
    api.server.create(ingressObject({ name: 'site', namespace: 'shop', creationTimestamp: '2021-01-01T00:00:00Z', rules: [{ host: 'b.example.com', paths: [{ path: '/', service: 'site' }] }] }));
    const t = await bed.startRouter(api, { args: INGRESS });
    expect(await answers(t, 'a.example.com', ['/', '/api/v1'])).toEqual({ '/': 'www', '/api/v1': 'api' });
    expect(await answers(t, 'b.example.com', ['/', '/api/v1'])).toEqual({ '/': 'site', '/api/v1': 'api' });
    await t.untilStatus('shop', 'www', 'admitted', (ingress) => ingress[0]?.conditions[0]?.status === 'True');

    api.server.remove('Route', 'shop', 'www');
    await t.untilServed('a.example.com', 'fallback');

    // Alone on a host, the default backend is the Ingress's claim at its age: a younger Route of another namespace takes nothing.
    bed.app(api.server, 'solo', 'alpha');
    api.server.create(ingressObject({ name: 'solo', namespace: 'alpha', creationTimestamp: '2020-01-01T00:00:00Z', defaultBackend: { service: 'solo' }, rules: [{ host: 'solo.example.com' }] }));
    api.server.create(routeObject({ name: 'thief', namespace: 'beta', host: 'solo.example.com', service: 'www', creationTimestamp: '2026-01-01T00:00:00Z' }));
    await t.untilStatus('beta', 'thief', 'rejected', (ingress) => ingress[0]?.conditions[0]?.reason === 'HostAlreadyClaimed');
    expect((await t.get('solo.example.com')).backend).toBe('solo');
  });

  test('a Service port named by name must exist, as upstream requires: a missing Service or port is said and not served until it appears', async () => {
    const api = await bed.startApi();
    api.server.create(sliceObject({ service: 'late', port: bed.startBackend('late').port }));
    api.server.create(ingressObject({ name: 'late', rules: [{ host: 'late.example.com', paths: [{ service: 'late', port: 'http' }] }] }));
    bed.app(api.server, 'typo');
    api.server.create(ingressObject({ name: 'typo', rules: [{ host: 'typo.example.com', paths: [{ service: 'typo', port: 'htp' }] }] }));
    const t = await bed.startRouter(api, { args: INGRESS });
    expect(t.logs.filter((r) => r.level === 'warn' && r.msg.startsWith('Ingress default/')).map((r) => r.msg).sort()).toEqual([
      'Ingress default/late: host late.example.com path "/" is not served: Service default/late not found',
      'Ingress default/typo: host typo.example.com path "/" is not served: Service default/typo has no port named "htp"',
    ]);
    expect((await t.get('late.example.com')).status).toBe(503);
    expect((await t.get('typo.example.com')).status).toBe(503);

    api.server.create(serviceObject('late'));
    await t.untilServed('late.example.com', 'late');
  });

  test('an Ingress and a Route claiming the same host follow the ownership rules: oldest first, the namespace owns the host', async () => {
    const api = await bed.startApi();
    bed.app(api.server, 'ing', 'shop');
    api.server.create(serviceObject('route', 'shop'));
    api.server.create(sliceObject({ service: 'route', port: bed.startBackend('route').port, namespace: 'shop' }));
    api.server.create(routeObject({ name: 'old', namespace: 'shop', host: 'shared.example.com', service: 'route', creationTimestamp: '2020-01-01T00:00:00Z' }));
    api.server.create(ingressObject({ name: 'young', namespace: 'shop', creationTimestamp: '2024-01-01T00:00:00Z', rules: [{ host: 'shared.example.com', paths: [{ service: 'ing' }] }] }));
    // An older Ingress in another namespace owns a host a Route there wants.
    bed.app(api.server, 'owner', 'first');
    api.server.create(ingressObject({ name: 'owner', namespace: 'first', creationTimestamp: '2019-01-01T00:00:00Z', rules: [{ host: 'owned.example.com', paths: [{ service: 'owner' }] }] }));
    api.server.create(routeObject({ name: 'intruder', namespace: 'shop', host: 'owned.example.com', service: 'route', creationTimestamp: '2020-01-01T00:00:00Z' }));
    const t = await bed.startRouter(api, { args: INGRESS });

    expect((await t.get('shared.example.com')).backend).toBe('route');
    expect((await t.get('owned.example.com')).backend).toBe('owner');
    await t.untilStatus('shop', 'intruder', 'rejected', (ingress) => ingress[0]?.conditions[0]?.reason === 'HostAlreadyClaimed');
    expect(storedIngress(api.server, 'shop', 'intruder')[0]?.conditions[0]?.message).toBe('a route in another namespace holds owned.example.com and is older than intruder');

    api.server.remove('Route', 'shop', 'old');
    await t.untilServed('shared.example.com', 'ing');
  });

  test('an Ingress added while running goes through the runtime API: served without a reload', async () => {
    const api = await bed.startApi();
    createApp(api.server, { name: 'first', host: 'first.example.com', port: bed.startBackend('first').port });
    const t = await bed.startRouter(api, { args: INGRESS });
    bed.app(api.server, 'late');
    api.server.create(ingressObject({ name: 'late', rules: [{ host: 'late.example.com', paths: [{ path: '/', service: 'late' }, { path: '/exact', pathType: 'Exact', service: 'first', port: 80 }] }] }));
    await t.untilServed('late.example.com', 'late');
    expect(await answers(t, 'late.example.com', ['/exact', '/exact/x'])).toEqual({ '/exact': 'first', '/exact/x': 'late' });
    modify(api.server, 'Ingress', 'default', 'late', (i) => {
      (i.spec as { rules: { host: string }[] }).rules[0]!.host = 'moved.example.com';
    });
    await t.untilServed('moved.example.com', 'late');
    api.server.remove('Ingress', 'default', 'late');
    await t.untilServed('moved.example.com', 503);
    expect(t.router.reloadCounts.size).toBe(0);
  });
});
