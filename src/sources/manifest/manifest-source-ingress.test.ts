import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCA, makeLeaf } from '../../../test/support/certs.ts';
import { recordingSink } from '../../../test/support/recording-sink.ts';
import type { ResourceEvent, SourceSink } from '../../domain/events.ts';
import { isIngressRouteName } from '../../domain/names.ts';
import { DEFAULT_CLASS_CONTROLLER } from '../../ingress/ingress-class.ts';
import { createLogger } from '../../log.ts';
import { ManifestSource } from './manifest-source.ts';

const ingressJson = (secretName?: string) =>
  JSON.stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      rules: [{ host: 'web.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      ...(secretName ? { tls: [{ hosts: ['web.example.com'], secretName }] } : {}),
    },
  });
const serviceJson = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ name: 'http', port: 80 }] } });
const ca = makeCA('manifest-ingress-test');
const pems = { ONE: makeLeaf(ca, { dnsNames: ['web.example.com'] }), TWO: makeLeaf(ca, { dnsNames: ['web.example.com'] }) };
const secretJson = (which: keyof typeof pems) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'web-tls', namespace: 'shop' },
    type: 'kubernetes.io/tls',
    stringData: { 'tls.crt': pems[which].cert, 'tls.key': pems[which].key },
  });

let dir: string;
let batches: ResourceEvent[][];
let logs: { level: string; msg: string }[];
let sources: ManifestSource[];

const sink: SourceSink = recordingSink((events) => void batches.push(events));
const start = async (ingress: boolean) => {
  const logger = createLogger({ format: 'json', level: 'debug', write: (line) => logs.push(JSON.parse(line)) });
  const source = new ManifestSource({ dir, logger, debounceMs: 5, ...(ingress ? { ingress: { controller: DEFAULT_CLASS_CONTROLLER } } : {}) });
  sources.push(source);
  await source.start(sink);
  return source;
};
const write = (name: string, text: string) => writeFileSync(join(dir, name), text);
const lastRoutes = () => (batches.at(-1) ?? []).filter((e) => e.kind === 'Route');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'manifests-ingress-'));
  batches = [];
  logs = [];
  sources = [];
});
afterEach(async () => {
  for (const s of sources) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('ManifestSource with Ingresses', () => {
  test('an Ingress becomes a route, resolved through its Service; its Secret rotates it; removing it deletes the route', async () => {
    write('a.json', ingressJson('web-tls'));
    write('b.json', serviceJson);
    write('c.json', secretJson('ONE'));
    const source = await start(true);
    const [created] = lastRoutes();
    expect(created?.type).toBe('upsert');
    expect(created?.object).toMatchObject({ namespace: 'shop', host: 'web.example.com', targetPort: 'http', tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' } });
    expect(isIngressRouteName(created?.object.name ?? '')).toBe(true);

    write('c.json', secretJson('TWO'));
    await source.rescan();
    expect(lastRoutes().map((e) => [e.type, e.kind === 'Route' && e.object.tls?.certificate === pems.TWO.cert])).toEqual([['upsert', true]]);

    unlinkSync(join(dir, 'a.json'));
    await source.rescan();
    expect(lastRoutes().map((e) => [e.type, e.object.name])).toEqual([['delete', created?.object.name ?? '']]);
  });

  test('a host whose Secret is missing is not served, said once while it lasts', async () => {
    write('a.json', ingressJson('web-tls'));
    write('b.json', serviceJson);
    const source = await start(true);
    expect(batches).toEqual([]);
    write('b.json', `${serviceJson}\n`);
    await source.rescan();
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.msg)).toEqual(['Ingress shop/web: host web.example.com is not served: Secret shop/web-tls not found']);
  });

  test('without --enable-ingress, Ingresses and Secrets are other kinds, with a warning', async () => {
    write('a.json', ingressJson());
    write('c.json', secretJson('ONE'));
    await start(false);
    expect(batches).toEqual([]);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.msg.replace(/:.*/, ''))).toEqual([`${join(dir, 'a.json')}`, `${join(dir, 'c.json')}`]);
  });
});
