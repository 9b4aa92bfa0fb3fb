import { describe, expect, test } from 'bun:test';
import { desiredIngress, sameIngress, statusTime, updatedIngressList, type RouteIngress } from './ingress-status.ts';

const now = new Date('2026-11-26T01:02:03.456Z');
const identity = { routerName: 'public', canonicalHostname: 'router.example.com' };
const route = { host: 'a.example.com', wildcardPolicy: 'None' };

describe('desiredIngress', () => {
  test('admitted', () => {
    expect(desiredIngress(route, undefined, identity, now)).toEqual({
      host: 'a.example.com',
      routerName: 'public',
      wildcardPolicy: 'None',
      routerCanonicalHostname: 'router.example.com',
      conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: '2026-11-26T01:02:03Z' }],
    });
  });

  test('rejected carries reason and message', () => {
    const entry = desiredIngress(route, { reason: 'HostAlreadyClaimed', message: 'm' }, { routerName: 'public', canonicalHostname: undefined }, now);
    expect(entry.conditions).toEqual([{ type: 'Admitted', status: 'False', reason: 'HostAlreadyClaimed', message: 'm', lastTransitionTime: statusTime(now) }]);
    expect(entry).not.toHaveProperty('routerCanonicalHostname');
  });
});

describe('updatedIngressList', () => {
  const mine = desiredIngress(route, undefined, identity, now);
  const other: RouteIngress = { ...mine, routerName: 'internal' };

  test('adds our entry and keeps other routers\' entries', () => {
    expect(updatedIngressList([other], mine)).toEqual([other, mine]);
  });

  test('nothing to write when only the timestamp would change', () => {
    const later = desiredIngress(route, undefined, identity, new Date('2027-01-01T00:00:00Z'));
    expect(updatedIngressList([other, mine], later)).toBeUndefined();
  });

  test.each([
    ['host', { ...mine, host: 'b.example.com' }],
    ['verdict', desiredIngress(route, { reason: 'InvalidHost', message: 'x' }, identity, now)],
    ['canonical hostname', { ...mine, routerCanonicalHostname: 'other' }],
  ])('a changed %s is written', (_what, next) => {
    expect(updatedIngressList([mine], next)).toEqual([next]);
    expect(sameIngress(mine, next)).toBe(false);
  });
});
