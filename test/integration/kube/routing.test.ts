import { afterEach, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { RESOURCES } from '../../support/fake-api/kinds.ts';
import { runInNetns } from '../../support/netns.ts';
import type { RestrictedResult } from '../netns/restricted-addresses.scenario.ts';
import {
  KubeTestbed,
  backendServers,
  backendsReached,
  createApp,
  modify,
  routeObject,
  serviceObject,
  sliceObject,
} from '../../support/kube-harness.ts';

setDefaultTimeout(15_000);

let bed = new KubeTestbed();
afterEach(async () => {
  await bed.teardown();
  bed = new KubeTestbed();
});

/** The RBAC resource names (`routes`, `routes/status`) the ClusterRole in deploy/rbac.yaml grants. */
function grantedByDeployRbac(): Set<string> {
  const docs = parseAllDocuments(readFileSync(join(import.meta.dir, '../../../deploy/rbac.yaml'), 'utf8')).map((d) => d.toJS());
  const role = docs.find((d) => d?.kind === 'ClusterRole') as { rules: { resources: string[] }[] };
  return new Set(role.rules.flatMap((r) => r.resources));
}

describe('routes and endpoints from the API', () => {
  test('a route and its slice appear, change and disappear, and traffic follows', async () => {
    const api = await bed.startApi();
    const [a, b] = [bed.startBackend('a'), bed.startBackend('b')];
    const t = await bed.startRouter(api);
    expect((await t.get('web.example.com')).status).toBe(503);

    createApp(api.server, { name: 'web', host: 'web.example.com', port: a.port });
    await t.untilServed('web.example.com', 'a');

    // The slice moves to another port: the same route now reaches the other backend.
    modify(api.server, 'EndpointSlice', 'default', 'web-abcde', (s) => {
      s.ports = [{ name: 'http', port: b.port, protocol: 'TCP' }];
    });
    await t.untilServed('web.example.com', 'b');

    // The route's host changes: the old host stops being served, the new one is.
    modify(api.server, 'Route', 'default', 'web', (r) => {
      (r.spec as { host: string }).host = 'www.example.com';
    });
    await t.untilServed('www.example.com', 'b');
    expect((await t.get('web.example.com')).status).toBe(503);

    const backend = (await t.mappedBackend('www.example.com/')) ?? '';
    api.server.remove('EndpointSlice', 'default', 'web-abcde');
    await t.until('the backend has no servers left', async () => backendServers(await t.config(), backend)?.length === 0);
    expect((await t.get('www.example.com')).status).toBe(503);

    api.server.remove('Route', 'default', 'web');
    await t.until('the route is no longer mapped', async () => (await t.mappedBackend('www.example.com/')) === undefined);
    expect((await t.get('www.example.com')).status).toBe(503);
  });

  test('the ClusterRole of deploy/rbac.yaml is enough: with every other resource forbidden, a route is served and admitted', async () => {
    const forbidden = RESOURCES.flatMap((r) => [r.plural, ...r.subresources.map((s) => `${r.plural}/${s}`)]).filter((r) => !grantedByDeployRbac().has(r));
    expect(forbidden).toContain('services');
    const api = await bed.startApi({ forbidden });
    createApp(api.server, { name: 'web', host: 'web.example.com', port: bed.startBackend('web').port });
    const launched = bed.launchRouter(api);
    const refused = launched.waitForLog((r) => r.msg.includes(' 403 Forbidden')).then((r) => Promise.reject(new Error(r.msg)));
    const t = await Promise.race([launched.ready, refused]);
    expect((await t.get('web.example.com')).backend).toBe('web');
    await t.untilStatus('default', 'web', 'admitted', (ingress) => ingress.some((e) => e.routerName === 'public' && e.conditions[0]?.status === 'True'));
  });

  test('scaling a service up and down: both endpoints get traffic, then only the one left', async () => {
    const api = await bed.startApi();
    const first = bed.startBackend('first', '127.0.0.1');
    // Same port on another loopback address: one slice port, two endpoints, as a scaled Deployment looks.
    bed.startBackend('second', '127.0.0.2', first.port);
    api.server.create(serviceObject('app'));
    api.server.create(sliceObject({ service: 'app', port: first.port, addresses: ['127.0.0.1'] }));
    api.server.create(routeObject({ name: 'app', host: 'app.example.com' }));
    const t = await bed.startRouter(api);
    expect(await backendsReached(t, 'app.example.com', ['first', 'second'])).toEqual(new Set(['first']));

    modify(api.server, 'EndpointSlice', 'default', 'app-abcde', (s) => {
      s.endpoints = ['127.0.0.1', '127.0.0.2'].map((ip) => ({ addresses: [ip], conditions: { ready: true } }));
    });
    await t.until('two servers', async () => backendServers(await t.config(), 'be_http:default:app')?.length === 2);
    expect(await backendsReached(t, 'app.example.com', ['first', 'second'])).toEqual(new Set(['first', 'second']));

    modify(api.server, 'EndpointSlice', 'default', 'app-abcde', (s) => {
      s.endpoints = [{ addresses: ['127.0.0.2'], conditions: { ready: true } }];
    });
    await t.until('one server', async () => backendServers(await t.config(), 'be_http:default:app')?.length === 1);
    for (let i = 0; i < 10; i++) expect((await t.get('app.example.com')).backend).toBe('second');
  });
});

describe('--watch-endpoints', () => {
  /** An Endpoints object of `app` with one subset per address, all on `port` (named `http`). */
  const subsets = (addresses: readonly string[], port: number) => addresses.map((ip) => ({ addresses: [{ ip }], ports: [{ name: 'http', port, protocol: 'TCP' }] }));

  test('an Endpoints object with several subsets: its records come, change shape and go together', async () => {
    const api = await bed.startApi();
    const first = bed.startBackend('first', '127.0.0.1');
    bed.startBackend('second', '127.0.0.2', first.port);
    api.server.create(serviceObject('app'));
    api.server.create({ kind: 'Endpoints', metadata: { name: 'app', namespace: 'default' }, subsets: subsets(['127.0.0.1', '127.0.0.2'], first.port) });
    api.server.create(routeObject({ name: 'app', host: 'app.example.com' }));
    const t = await bed.startRouter(api, { args: ['--watch-endpoints'] });
    const servers = async () => backendServers(await t.config(), 'be_http:default:app')?.length;
    expect(await backendsReached(t, 'app.example.com', ['first', 'second'])).toEqual(new Set(['first', 'second']));

    // Two subsets become one: a record of the object's own name replaces the two.
    modify(api.server, 'Endpoints', 'default', 'app', (e) => {
      e.subsets = subsets(['127.0.0.2'], first.port);
    });
    await t.until('one server', async () => (await servers()) === 1);
    for (let i = 0; i < 10; i++) expect((await t.get('app.example.com')).backend).toBe('second');

    // And two again.
    modify(api.server, 'Endpoints', 'default', 'app', (e) => {
      e.subsets = subsets(['127.0.0.1', '127.0.0.2'], first.port);
    });
    await t.until('two servers', async () => (await servers()) === 2);
    expect(await backendsReached(t, 'app.example.com', ['first', 'second'])).toEqual(new Set(['first', 'second']));

    api.server.remove('Endpoints', 'default', 'app');
    await t.until('no server left', async () => (await servers()) === 0);
    expect((await t.get('app.example.com')).status).toBe(503);
  });
});

describe('restricted endpoint addresses', () => {
  // The metadata and TEST-NET addresses must reach nothing even if the router got them wrong: in a namespace of their own.
  test('loopback and metadata addresses never become servers; --allow-loopback-endpoints lets loopback through, never metadata', async () => {
    const [strict, loose] = await runInNetns<RestrictedResult[]>(join(import.meta.dir, '..', 'netns', 'restricted-addresses.scenario.ts'), 90_000);
    expect(strict?.servers).toEqual({ metadata: [], loop: [], mapped: [], remote: ['192.0.2.10:8080'] });
    // The loopback backend is listening: only the filter keeps haproxy from it.
    expect(strict?.answers).toEqual({ metadata: '503', loop: '503', mapped: '503' });
    expect(loose?.warnedLoopback).toBe(true);
    expect(loose?.servers.metadata).toEqual([]);
    // So the mapped spelling was dropped above by the loopback rule, not for being IPv6.
    expect(loose?.servers.loop).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    expect(loose?.servers.mapped).toEqual([expect.stringMatching(/^\[::ffff:127\.0\.0\.1\]:\d+$/)]);
    expect(loose?.answers).toEqual({ metadata: '503', loop: 'local', mapped: 'local' });
  });
});
