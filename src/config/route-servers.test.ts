import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { slice } from '../../test/support/fixtures.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { endpointSelector, selectEndpoints, type AddressFilter } from './route-servers.ts';

/** A filter that lets `allowed` through and counts what it was asked. */
function countingFilter(allowed: (ip: string) => boolean): { filter: AddressFilter; asked: () => number } {
  let asked = 0;
  return {
    filter: (ip) => {
      asked++;
      return allowed(ip);
    },
    asked: () => asked,
  };
}

const web = [slice('web', ['10.0.0.1', '10.0.0.2'], { name: 'web-a' }), slice('web', ['10.0.0.3'], { name: 'web-b', port: 9090, portName: 'alt' })];

describe('endpointSelector', () => {
  test('answers as selectEndpoints does, for every target port', () => {
    const select = endpointSelector(() => true, false);
    for (const targetPort of [undefined, 'http', 9090, 'none']) {
      expect(select({ targetPort }, 'web', web)).toEqual(selectEndpoints({ targetPort }, 'web', web, () => true));
    }
  });

  test('the routes of one service share its answer: the filter is asked once per address', () => {
    const counted = countingFilter(() => true);
    const select = endpointSelector(counted.filter, false);
    const first = select({ targetPort: undefined }, 'web', web);
    expect(select({ targetPort: undefined }, 'web', web)).toBe(first);
    expect(counted.asked()).toBe(3);
  });

  test('answers for several target ports of one list of slices are each kept, in turn and again', () => {
    const counted = countingFilter(() => true);
    const select = endpointSelector(counted.filter, false);
    const ports = [undefined, 'http', 9090, 'none'] as const;
    const first = ports.map((targetPort) => select({ targetPort }, 'web', web));
    const asked = counted.asked();
    ports.forEach((targetPort, i) => expect(select({ targetPort }, 'web', web)).toBe(first[i] as (typeof first)[number]));
    ports.forEach((targetPort) => expect(select({ targetPort }, 'web', web)).toEqual(selectEndpoints({ targetPort }, 'web', web, () => true)));
    expect(counted.asked()).toBe(asked);
  });

  test('a new list of slices (one of them changed) is selected again', () => {
    const select = endpointSelector(() => true, false);
    const before = select({ targetPort: undefined }, 'web', web);
    const changed: EndpointSlice[] = [web[0] as EndpointSlice, slice('web', ['10.0.0.4'], { name: 'web-b', port: 9090, portName: 'alt' })];
    expect(select({ targetPort: undefined }, 'web', changed).map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.4']);
    expect(before.map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  test('a filter that answers differently now takes a new selector, which asks it again', () => {
    let refused = '';
    const filter: AddressFilter = (ip) => ip !== refused;
    const ips = (select: ReturnType<typeof endpointSelector>) => select({ targetPort: undefined }, 'web', web).map((e) => e.ip);
    expect(ips(endpointSelector(filter, false))).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    refused = '10.0.0.2';
    expect(ips(endpointSelector(filter, false))).toEqual(['10.0.0.1', '10.0.0.3']);
  });

  test('a list of slices keeps the answers of the last selector that asked it, not one set per selector ever made', async () => {
    const slices = [...web];
    const ask = (select: ReturnType<typeof endpointSelector>) => select({ targetPort: undefined }, 'web', slices);
    const first = endpointSelector(() => true, false);
    const dropped = new WeakRef(ask(first));
    const second = endpointSelector(() => true, false);
    const kept = ask(second);
    for (let i = 0; i < 20 && dropped.deref() !== undefined; i++) {
      await Bun.sleep(0);
      Bun.gc(true);
    }
    expect(dropped.deref()).toBeUndefined();
    expect(ask(second)).toBe(kept);
    // The first selector still answers right, selecting again.
    expect(ask(first).map((e) => e.ip)).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  });

  test('no slices: no endpoints', () => {
    expect(endpointSelector(() => true, false)({ targetPort: undefined }, 'web', [])).toEqual([]);
  });
});

test("a selected endpoint's address is the slice's own string when it is canonical already", () => {
  const strings = () => heapStats().objectTypeCounts.string ?? 0;
  // Fresh address strings, as a parser builds them, in one slice of 20,000 ready addresses.
  const big = () => slice('web', Array.from({ length: 20_000 }, (_, i) => [10, i >> 16, (i >> 8) & 255, i & 255].join('.')));
  /** Strings alive after keeping the selection of a slice made before counting. The collector scans the stack conservatively: the least of three tries counts. */
  let least = Number.POSITIVE_INFINITY;
  const held: unknown[] = [];
  for (let i = 0; i < 3; i++) {
    const s = big();
    // Twice: what earlier tests left must be gone before counting, or its freeing shrinks the difference.
    Bun.gc(true);
    Bun.gc(true);
    const before = strings();
    held.push(selectEndpoints({ targetPort: undefined }, 'web', [s], () => true), s);
    Bun.gc(true);
    least = Math.min(least, strings() - before);
  }
  // A server name each (`ept:...`); a copy of each address besides would be 20,000 more.
  expect(least).toBeGreaterThan(15_000);
  expect(least).toBeLessThan(30_000);
});
