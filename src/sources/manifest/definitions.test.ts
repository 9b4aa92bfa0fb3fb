import { describe, expect, test } from 'bun:test';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { Route } from '../../domain/route.ts';
import { Definitions, type ManifestChange } from './definitions.ts';
import type { ManifestObjects } from './parse-manifests.ts';

function route(name: string, host = `${name}.test`): Route {
  return {
    namespace: 'ns',
    name,
    uid: '',
    creationTimestamp: '',
    labels: {},
    annotations: {},
    host,
    subdomain: '',
    path: '',
    to: { kind: 'Service', name, weight: undefined },
    alternateBackends: [],
    targetPort: undefined,
    tls: undefined,
    wildcardPolicy: 'None',
  };
}

const slice = (name: string): EndpointSlice => ({ namespace: 'ns', name, serviceName: name, addressType: 'IPv4', addresses: [], ports: [] });

const objects = (o: Partial<ManifestObjects>): ManifestObjects => ({ routes: o.routes ?? [], endpointSlices: o.endpointSlices ?? [] });

const summary = (events: readonly ManifestChange[]) =>
  events.map((e) => `${e.type} ${e.kind} ${e.object.name}${e.kind === 'Route' ? ` ${e.object.host}` : ''}`);

/** Applies `files` in order (undefined: the file is gone), then returns and commits what changed. */
function step(defs: Definitions, files: Record<string, ManifestObjects | undefined>, before: Map<string, ManifestObjects>): string[] {
  for (const [file, after] of Object.entries(files)) {
    defs.replace(file, before.get(file), after);
    if (after) before.set(file, after);
    else before.delete(file);
  }
  const events = summary(defs.pending());
  defs.commit();
  return events;
}

describe('Definitions', () => {
  test('an object in several files comes from the file that sorts last, with a warning per override, whatever order files arrive in', () => {
    const defs = new Definitions();
    const files = new Map<string, ManifestObjects>();
    const events = step(defs, { 'c.yaml': objects({ routes: [route('web', 'c.test')] }), 'a.yaml': objects({ routes: [route('web', 'a.test')] }), 'b.yaml': objects({ routes: [route('web', 'b.test')] }) }, files);
    expect(events).toEqual(['upsert Route web c.test']);
    expect(defs.warnings()).toEqual([
      'Route ns/web is defined in both a.yaml and b.yaml; using b.yaml',
      'Route ns/web is defined in both b.yaml and c.yaml; using c.yaml',
    ]);
    // The winner's file goes away: the next one takes over, and one warning is left.
    expect(step(defs, { 'c.yaml': undefined }, files)).toEqual(['upsert Route web b.test']);
    expect(defs.warnings()).toEqual(['Route ns/web is defined in both a.yaml and b.yaml; using b.yaml']);
    expect(step(defs, { 'a.yaml': undefined }, files)).toEqual([]);
    expect(defs.warnings()).toEqual([]);
  });

  test('twice in one file: the last definition wins', () => {
    const defs = new Definitions();
    const twice = objects({ endpointSlices: [slice('x'), { ...slice('x'), addressType: 'IPv6' }] });
    defs.replace('a.yaml', undefined, twice);
    expect(defs.pending()).toEqual([{ kind: 'EndpointSlice', type: 'upsert', object: { ...slice('x'), addressType: 'IPv6' } }]);
    expect(defs.warnings()).toEqual(['EndpointSlice ns/x is defined more than once in a.yaml; using the last definition']);
  });

  test('kinds have separate key spaces', () => {
    const defs = new Definitions();
    expect(step(defs, { 'a.yaml': objects({ routes: [route('x')], endpointSlices: [slice('x')] }) }, new Map())).toHaveLength(2);
    expect(defs.warnings()).toEqual([]);
  });

  test('upserts new and changed objects, deletes vanished ones, in kind then key order', () => {
    const defs = new Definitions();
    const files = new Map<string, ManifestObjects>();
    step(defs, { 'a.yaml': objects({ routes: [route('b'), route('gone'), route('same')], endpointSlices: [slice('old')] }) }, files);
    const after = objects({ routes: [route('same'), route('b', 'changed.test'), route('a')], endpointSlices: [slice('a')] });
    expect(step(defs, { 'a.yaml': after }, files)).toEqual([
      'upsert EndpointSlice a',
      'delete EndpointSlice old',
      'upsert Route a a.test',
      'upsert Route b changed.test',
      'delete Route gone gone.test',
    ]);
  });

  test('only the objects of the replaced file are looked at', () => {
    const defs = new Definitions();
    const files = new Map<string, ManifestObjects>();
    step(defs, { 'a.yaml': objects({ routes: [route('a')] }), 'b.yaml': objects({ routes: [route('b')] }) }, files);
    expect(step(defs, { 'b.yaml': objects({ routes: [route('b', 'new.test')] }) }, files)).toEqual(['upsert Route b new.test']);
  });

  test('a delete carries the object last told', () => {
    const defs = new Definitions();
    const files = new Map<string, ManifestObjects>();
    step(defs, { 'a.yaml': objects({ routes: [route('web', 'old.test')] }) }, files);
    defs.replace('a.yaml', files.get('a.yaml'), undefined);
    expect(defs.pending()).toEqual([{ kind: 'Route', type: 'delete', object: route('web', 'old.test') }]);
  });

  test('equal objects built in another key order, or moved to another file, give no events', () => {
    const defs = new Definitions();
    const files = new Map<string, ManifestObjects>();
    step(defs, { 'a.yaml': objects({ routes: [{ ...route('web'), labels: { x: '1', y: '2' } }] }) }, files);
    expect(step(defs, { 'a.yaml': objects({ routes: [{ ...route('web'), labels: { y: '2', x: '1' } }] }) }, files)).toEqual([]);
    expect(step(defs, { 'a.yaml': undefined, 'b.yaml': objects({ routes: [{ ...route('web'), labels: { y: '2', x: '1' } }] }) }, files)).toEqual([]);
  });

  test('changes not committed (the sink threw) are offered again', () => {
    const defs = new Definitions();
    defs.replace('a.yaml', undefined, objects({ routes: [route('web')] }));
    expect(summary(defs.pending())).toEqual(['upsert Route web web.test']);
    expect(summary(defs.pending())).toEqual(['upsert Route web web.test']);
    defs.commit();
    expect(defs.pending()).toEqual([]);
  });

  test('an object added and removed before a commit is never told', () => {
    const defs = new Definitions();
    const a = objects({ routes: [route('web')] });
    defs.replace('a.yaml', undefined, a);
    defs.replace('a.yaml', a, undefined);
    expect(defs.pending()).toEqual([]);
  });

  test('the kinds Ingresses need are merged the same way, IngressClasses by name alone, and come after routes', () => {
    const defs = new Definitions();
    const ingress = (classes: string[]) => ({ ingresses: [], classes: classes.map((name) => ({ name, controller: 'c', isDefault: false })), secrets: [], services: [{ namespace: 'ns', name: 'web', ports: [] }] });
    defs.replace('a.yaml', undefined, { ...objects({ routes: [route('web')] }), ingress: ingress(['router']) });
    defs.replace('b.yaml', undefined, { ...objects({}), ingress: ingress(['router']) });
    expect(summary(defs.pending())).toEqual(['upsert Route web web.test', 'upsert IngressClass router', 'upsert Service web']);
    expect(defs.warnings()).toEqual([
      'IngressClass router is defined in both a.yaml and b.yaml; using b.yaml',
      'Service ns/web is defined in both a.yaml and b.yaml; using b.yaml',
    ]);
  });
});
