import { describe, expect, test } from 'bun:test';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import { recordingSink } from '../../../test/support/recording-sink.ts';
import type { Route } from '../../domain/route.ts';
import { Delivery, type DomainObject, type Kind } from './delivery.ts';

const slice = (name: string, ip = '10.0.0.1'): EndpointSlice => ({
  namespace: 'ns',
  name,
  serviceName: name,
  addressType: 'IPv4',
  addresses: [{ ip, ready: true, podName: '' }],
  ports: [],
});
const route = (name: string): Route => ({
  namespace: 'ns',
  name,
  uid: '',
  creationTimestamp: '',
  labels: {},
  annotations: {},
  host: `${name}.test`,
  subdomain: '',
  path: '',
  to: { kind: 'Service', name, weight: undefined },
  alternateBackends: [],
  targetPort: undefined,
  tls: undefined,
  wildcardPolicy: 'None',
});

/** A Delivery over a world the test edits, whose deferred flushes run when the test says. */
function harness() {
  const world: Record<Kind, Map<string, DomainObject>> = { EndpointSlice: new Map(), Route: new Map() };
  const batches: string[][] = [];
  const deferred: (() => void)[] = [];
  const delivery = new Delivery(
    recordingSink((events) => void batches.push(events.map((e) => `${e.type} ${e.kind} ${e.object.name}`))),
    (kind, key) => world[kind].get(key),
    (fn) => void deferred.push(fn),
  );
  const runDeferred = () => {
    for (const fn of deferred.splice(0)) fn();
  };
  const set = (kind: Kind, object: DomainObject | undefined, name: string) => {
    if (object) world[kind].set(`ns/${name}`, object);
    else world[kind].delete(`ns/${name}`);
    delivery.mark(kind, [`ns/${name}`]);
  };
  return { delivery, batches, deferred, runDeferred, set };
}

describe('Delivery', () => {
  test('changes marked while input is handled reach the sink as one batch, slices first, each key once', () => {
    const h = harness();
    h.set('Route', route('r'), 'r');
    for (let i = 0; i < 100; i++) h.set('EndpointSlice', slice('a', `10.0.0.${i}`), 'a');
    h.set('EndpointSlice', slice('b'), 'b');
    expect(h.batches).toEqual([]);
    expect(h.deferred).toHaveLength(1);
    h.runDeferred();
    expect(h.batches).toEqual([['upsert EndpointSlice a', 'upsert EndpointSlice b', 'upsert Route r']]);
  });

  test('updates that change nothing the router uses are dropped; deletes carry the object delivered', () => {
    const h = harness();
    h.set('EndpointSlice', slice('a'), 'a');
    h.runDeferred();
    h.set('EndpointSlice', slice('a'), 'a');
    h.runDeferred();
    expect(h.batches).toHaveLength(1);
    h.set('EndpointSlice', undefined, 'a');
    h.runDeferred();
    expect(h.batches.at(-1)).toEqual(['delete EndpointSlice a']);
  });

  test('a key created and removed within one batch is never told', () => {
    const h = harness();
    h.set('Route', route('r'), 'r');
    h.set('Route', undefined, 'r');
    h.runDeferred();
    expect(h.batches).toEqual([]);
  });

  test('flush delivers at once; marking nothing new schedules nothing', () => {
    const h = harness();
    h.set('EndpointSlice', slice('a'), 'a');
    h.delivery.flush();
    expect(h.batches).toEqual([['upsert EndpointSlice a']]);
    h.runDeferred();
    h.delivery.mark('Route', []);
    expect(h.deferred).toHaveLength(0);
  });

  test('after stop, nothing reaches the sink', () => {
    const h = harness();
    h.set('EndpointSlice', slice('a'), 'a');
    h.delivery.stop();
    h.runDeferred();
    h.set('EndpointSlice', slice('b'), 'b');
    h.delivery.flush();
    expect(h.batches).toEqual([]);
  });
});
