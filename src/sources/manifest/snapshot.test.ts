import { describe, expect, test } from 'bun:test';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { Route } from '../../domain/route.ts';
import { buildSnapshot, diffSnapshots } from './snapshot.ts';
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

const slice = (name: string): EndpointSlice => ({
  namespace: 'ns',
  name,
  serviceName: name,
  addressType: 'IPv4',
  addresses: [],
  ports: [],
});

function files(entries: Record<string, Partial<ManifestObjects>>): Map<string, ManifestObjects> {
  return new Map(
    Object.entries(entries).map(([file, o]) => [
      file,
      { routes: o.routes ?? [], endpointSlices: o.endpointSlices ?? [] },
    ]),
  );
}

describe('buildSnapshot', () => {
  test('an object in several files comes from the file that sorts last, with a warning per override', () => {
    const { snapshot, warnings } = buildSnapshot(
      files({ 'c.yaml': { routes: [route('web', 'c.test')] }, 'a.yaml': { routes: [route('web', 'a.test')] }, 'b.yaml': { routes: [route('web', 'b.test')] } }),
    );
    expect([...snapshot.values()].map((e) => [e.file, e.kind === 'Route' && e.object.host])).toEqual([['c.yaml', 'c.test']]);
    expect(warnings).toEqual([
      'Route ns/web is defined in both a.yaml and b.yaml; using b.yaml',
      'Route ns/web is defined in both b.yaml and c.yaml; using c.yaml',
    ]);
  });

  test('twice in one file: the last definition wins', () => {
    const { snapshot, warnings } = buildSnapshot(files({ 'a.yaml': { endpointSlices: [slice('x'), { ...slice('x'), addressType: 'IPv6' }] } }));
    expect([...snapshot.values()].map((e) => e.object)).toEqual([{ ...slice('x'), addressType: 'IPv6' }]);
    expect(warnings).toEqual(['EndpointSlice ns/x is defined more than once in a.yaml; using the last definition']);
  });

  test('kinds have separate key spaces', () => {
    const { snapshot, warnings } = buildSnapshot(files({ 'a.yaml': { routes: [route('x')], endpointSlices: [slice('x')] } }));
    expect(snapshot.size).toBe(2);
    expect(warnings).toEqual([]);
  });
});

describe('diffSnapshots', () => {
  const snap = (objects: Partial<ManifestObjects>) => buildSnapshot(files({ 'a.yaml': objects })).snapshot;

  test('upserts new and changed objects, deletes vanished ones, in kind then key order', () => {
    const before = snap({ routes: [route('b'), route('gone'), route('same')], endpointSlices: [slice('old')] });
    const after = snap({
      routes: [route('same'), route('b', 'changed.test'), route('a')],
      endpointSlices: [slice('a')],
    });
    expect(diffSnapshots(before, after).map((e) => `${e.type} ${e.kind} ${e.object.name}`)).toEqual([
      'upsert EndpointSlice a',
      'delete EndpointSlice old',
      'upsert Route a',
      'upsert Route b',
      'delete Route gone',
    ]);
  });

  test('a delete carries the last known object', () => {
    const [event] = diffSnapshots(snap({ routes: [route('web', 'old.test')] }), snap({}));
    expect(event).toEqual({ kind: 'Route', type: 'delete', object: route('web', 'old.test') });
  });

  test('equal objects built in another key order give no events', () => {
    const a = { ...route('web'), labels: { x: '1', y: '2' } };
    const b = { ...route('web'), labels: { y: '2', x: '1' } };
    expect(diffSnapshots(snap({ routes: [a] }), snap({ routes: [b] }))).toEqual([]);
  });

  test('moving an object to another file is not a change', () => {
    const before = buildSnapshot(files({ 'a.yaml': { routes: [route('web')] } })).snapshot;
    const after = buildSnapshot(files({ 'b.yaml': { routes: [route('web')] } })).snapshot;
    expect(diffSnapshots(before, after)).toEqual([]);
  });
});
