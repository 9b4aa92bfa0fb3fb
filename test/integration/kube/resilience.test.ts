import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { RouteIngress } from '../../../src/status/ingress-status.ts';
import { KubeTestbed, createApp, modify } from '../../support/kube-harness.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

const ROUTES = '/apis/route.openshift.io/v1/routes';
const admittedByPublic = (ingress: RouteIngress[]) => ingress.some((e) => e.routerName === 'public' && e.conditions[0]?.status === 'True');

/** Points the `web` app's slice at another backend port. */
function moveWeb(api: Awaited<ReturnType<KubeTestbed['startApi']>>, port: number): void {
  modify(api.server, 'EndpointSlice', 'default', 'web-abcde', (s) => {
    s.ports = [{ name: 'http', port, protocol: 'TCP' }];
  });
}

describe('when the API server misbehaves', () => {
  test('the API server goes away mid-watch: traffic keeps flowing, and after its return changes apply again', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    createApp(api.server, { name: 'web', host: 'web.example.com', port: a.port });
    const t = await bed.startRouter(api);
    await api.server.waitForWatchers(2);
    // Only the watches may be open when the fake stops: a request in flight can keep its HTTPS listener from closing.
    await t.untilStatus('default', 'web', 'admitted', admittedByPublic);

    await api.server.stop();
    const lost = await t.waitForLog((r) => r.msg.startsWith('cannot watch endpointslices.discovery.k8s.io'));
    expect(lost.msg).toContain(`on ${api.server.url}:`);
    for (let i = 0; i < 5; i++) expect((await t.get('web.example.com')).backend).toBe('a');

    await api.server.start();
    moveWeb(api, b.port);
    createApp(api.server, { name: 'after', host: 'after.example.com', port: a.port });
    await t.untilServed('web.example.com', 'b');
    await t.untilServed('after.example.com', 'a');
    await t.waitForLog((r) => r.msg === `watching endpointslices.discovery.k8s.io on ${api.server.url} works again`);
    await t.untilStatus('default', 'after', 'admitted', admittedByPublic);
  });

  test('history compacted while the router was disconnected (410 Gone): it relists and converges', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    createApp(api.server, { name: 'web', host: 'web.example.com', port: a.port });
    createApp(api.server, { name: 'doomed', host: 'doomed.example.com', port: a.port });
    const t = await bed.startRouter(api);
    await api.server.waitForWatchers(2);
    const seen = api.server.requests.length;

    // Nothing of what follows reaches the dropped streams, and compaction makes the router's resourceVersion too old to resume from.
    api.server.dropWatches();
    moveWeb(api, b.port);
    api.server.remove('Route', 'default', 'doomed');
    createApp(api.server, { name: 'fresh', host: 'fresh.example.com', port: b.port });
    const compactedAt = Number(api.server.resourceVersion);
    api.server.expire();

    await t.untilServed('web.example.com', 'b');
    await t.untilServed('fresh.example.com', 'b');
    await t.untilServed('doomed.example.com', 503);
    const later = api.server.requests.slice(seen).filter((r) => r.path === ROUTES);
    const staleWatch = later.findIndex((r) => r.query.watch === 'true' && Number(r.query.resourceVersion) < compactedAt);
    const relist = later.findIndex((r, i) => i > staleWatch && r.query.watch === undefined);
    expect(staleWatch).toBeGreaterThanOrEqual(0);
    expect(relist).toBeGreaterThan(staleWatch);
  });

  test('a line of garbage in a watch stream: logged, the watch resumes, and no change is lost', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    createApp(api.server, { name: 'web', host: 'web.example.com', port: a.port });
    const t = await bed.startRouter(api);
    await api.server.waitForWatchers(2);

    api.server.injectGarbage('<html>502 Bad Gateway</html>');
    // Sent right behind the garbage on the same stream, which the router abandons there: only resuming brings it.
    moveWeb(api, b.port);
    const broken = await t.waitForLog((r) => r.msg.startsWith('cannot watch endpointslices.discovery.k8s.io'));
    expect(broken.msg).toContain('watch stream line is not JSON: <html>502 Bad Gateway</html>');
    await t.untilServed('web.example.com', 'b');

    createApp(api.server, { name: 'later', host: 'later.example.com', port: a.port });
    await t.untilServed('later.example.com', 'a');
  });

  test('a token the API refuses (401): a clear log line naming server and resource, retries, no crash', async () => {
    const api = await bed.startApi();
    const launched = bed.launchRouter(api, { token: 'not-the-token' });
    const [refused] = await Promise.all(
      ['routes.route.openshift.io', 'endpointslices.discovery.k8s.io'].map((resource) =>
        launched.waitForLog((r) => r.msg.startsWith(`cannot list ${resource} `)),
      ),
    );
    expect(refused).toMatchObject({ level: 'warn', msg: `cannot list routes.route.openshift.io on ${api.server.url}: 401 Unauthorized; retrying in 1s` });

    // The cluster comes to accept that token (a new API server on the same address): the router, still retrying, syncs and serves.
    // Every list has been answered and the retries are a second away, so no request is in flight while the fake stops.
    await api.server.stop();
    const accepting = await bed.startApi({ port: api.server.port, token: 'not-the-token' });
    createApp(accepting.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const t = await launched.ready;
    expect((await t.get('web.example.com')).backend).toBe('web');
  });
});
