import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { KubeTestbed, createApp, modify, namespaceObject } from '../../support/kube-harness.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

describe('which routes a router serves', () => {
  test('--namespace scopes every list and watch to that namespace', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    createApp(api.server, { name: 'web', namespace: 'apps', host: 'web.apps.example.com', port: a.port });
    createApp(api.server, { name: 'web', namespace: 'other', host: 'web.other.example.com', port: b.port });
    const t = await bed.startRouter(api, { args: ['--namespace=apps'] });
    expect((await t.get('web.apps.example.com')).backend).toBe('a');
    expect((await t.get('web.other.example.com')).status).toBe(503);

    createApp(api.server, { name: 'late', namespace: 'other', host: 'late.other.example.com', port: b.port });
    createApp(api.server, { name: 'late', namespace: 'apps', host: 'late.apps.example.com', port: a.port });
    await t.untilServed('late.apps.example.com', 'a');
    expect((await t.get('late.other.example.com')).status).toBe(503);

    const resources = api.server.requests.filter((r) => /\/(routes|endpointslices)$/.test(r.path));
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(r.path).toContain('/namespaces/apps/');
  });

  test('--labels selects routes server-side, and a route that gains or loses the label follows', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    createApp(api.server, { name: 'shown', host: 'shown.example.com', port: a.port, labels: { router: 'public' } });
    createApp(api.server, { name: 'hidden', host: 'hidden.example.com', port: b.port, labels: { router: 'internal' } });
    const t = await bed.startRouter(api, { args: ['--labels=router=public'] });
    expect((await t.get('shown.example.com')).backend).toBe('a');
    expect((await t.get('hidden.example.com')).status).toBe(503);

    modify(api.server, 'Route', 'default', 'hidden', (r) => {
      r.metadata.labels = { router: 'public' };
    });
    await t.untilServed('hidden.example.com', 'b');

    modify(api.server, 'Route', 'default', 'shown', (r) => {
      r.metadata.labels = { router: 'internal' };
    });
    await t.untilServed('shown.example.com', 503);
    expect((await t.get('hidden.example.com')).backend).toBe('b');

    const routeRequests = api.server.requests.filter((r) => r.path === '/apis/route.openshift.io/v1/routes');
    for (const r of routeRequests) expect(r.query.labelSelector).toBe('router=public');
  });

  test('--fields selects routes by spec field, and a route whose field changes follows', async () => {
    const api = await bed.startApi();
    const [web, admin] = [bed.startBackend('web'), bed.startBackend('admin')];
    createApp(api.server, { name: 'web', host: 'web.example.com', port: web.port });
    createApp(api.server, { name: 'admin', host: 'admin.example.com', port: admin.port });
    const t = await bed.startRouter(api, { args: ['--fields=spec.to.name=web'] });
    expect((await t.get('web.example.com')).backend).toBe('web');
    expect((await t.get('admin.example.com')).status).toBe(503);

    modify(api.server, 'Route', 'default', 'admin', (r) => {
      (r.spec as { to: { name: string } }).to.name = 'web';
    });
    await t.untilServed('admin.example.com', 'web');

    const routeRequests = api.server.requests.filter((r) => r.path === '/apis/route.openshift.io/v1/routes');
    for (const r of routeRequests) expect(r.query.fieldSelector).toBe('spec.to.name=web');
  });

  /** Namespaces team-a (labelled router=public) and team-b, each with an app `web` at a.example.com and b.example.com. */
  async function twoTeams() {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    api.server.create(namespaceObject('team-a', { router: 'public' }));
    api.server.create(namespaceObject('team-b'));
    createApp(api.server, { name: 'web', namespace: 'team-a', host: 'a.example.com', port: a.port });
    createApp(api.server, { name: 'web', namespace: 'team-b', host: 'b.example.com', port: b.port });
    return api;
  }

  test('--namespace-labels: a namespace that starts matching is served, one that stops matching is purged', async () => {
    const api = await twoTeams();
    const t = await bed.startRouter(api, { args: ['--namespace-labels=router=public'] });
    expect((await t.get('a.example.com')).backend).toBe('a');
    expect((await t.get('b.example.com')).status).toBe(503);

    modify(api.server, 'Namespace', undefined, 'team-b', (ns) => {
      ns.metadata.labels = { ...ns.metadata.labels, router: 'public' };
    });
    await t.untilServed('b.example.com', 'b');
    await t.waitForLog((r) => r.msg.includes('namespace team-b selected'));

    modify(api.server, 'Namespace', undefined, 'team-a', (ns) => {
      ns.metadata.labels = { 'kubernetes.io/metadata.name': 'team-a' };
    });
    await t.untilServed('a.example.com', 503);
    await t.waitForLog((r) => r.msg.includes('namespace team-a no longer selected'));
    expect((await t.get('b.example.com')).backend).toBe('b');

    // Purging forgot nothing: matching again serves the namespace's routes without any route event.
    modify(api.server, 'Namespace', undefined, 'team-a', (ns) => {
      ns.metadata.labels = { ...ns.metadata.labels, router: 'public' };
    });
    await t.untilServed('a.example.com', 'a');
  });

  test('--project-labels selects by projects, and a failed discovery of the project API is asked again, not read as "no project API"', async () => {
    const api = await twoTeams();
    api.server.failNext(1, 503, undefined, (path) => path === '/apis/project.openshift.io/v1');
    const t = await bed.startRouter(api, { args: ['--project-labels=router=public'] });
    expect((await t.get('a.example.com')).backend).toBe('a');
    expect((await t.get('b.example.com')).status).toBe(503);
    expect(api.server.requests.filter((r) => r.path === '/apis/project.openshift.io/v1')).toHaveLength(2);
    expect(api.server.requests.some((r) => r.path === '/apis/project.openshift.io/v1/projects' && r.query.labelSelector === 'router=public')).toBe(true);
    expect(t.logs.some((r) => r.msg.includes('the project API is not available'))).toBe(false);
    await t.waitForLog((r) => r.msg.startsWith('cannot discover project.openshift.io/v1 on ') && r.msg.includes('503 Service Unavailable'));
  });
});
