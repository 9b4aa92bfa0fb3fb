import { describe, expect, test } from 'bun:test';
import { routeRecordOf } from './route-record.ts';

const ours = { host: 'a.example.com', routerName: 'public', wildcardPolicy: 'None', conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: '2026-12-05T15:00:00Z' }] };
const theirs = {
  host: 'a.example.com', routerName: 'other', wildcardPolicy: 'None', routerCanonicalHostname: 'r.example.com', future: { x: 1 },
  conditions: [{ type: 'Admitted', status: 'False', reason: 'HostAlreadyClaimed', message: 'taken', extra: true }],
};

describe('routeRecordOf', () => {
  test.each([
    ['no status', { metadata: { resourceVersion: '7', uid: 'u1' } }, { resourceVersion: '7', uid: 'u1', ingress: [] }],
    ['no metadata', { status: { ingress: [ours] } }, { resourceVersion: '', uid: '', ingress: [ours] }],
    ['every entry as it came, unknown fields included', { metadata: { resourceVersion: '9' }, status: { ingress: [theirs, ours] } }, { resourceVersion: '9', uid: '', ingress: [theirs, ours] }],
    ['an ingress that is not a list', { status: { ingress: 'x' } }, { resourceVersion: '', uid: '', ingress: [] }],
    ['not an object', null, { resourceVersion: '', uid: '', ingress: [] }],
  ])('%s', (_, raw, expected) => {
    expect(routeRecordOf(raw)).toEqual(expected as ReturnType<typeof routeRecordOf>);
  });

  test('keeps nothing else of the object', () => {
    const record = routeRecordOf({ metadata: { resourceVersion: '1', name: 'a', labels: { a: 'b' } }, spec: { host: 'a.example.com' }, status: { ingress: [ours] } });
    expect(Object.keys(record).sort()).toEqual(['ingress', 'resourceVersion', 'uid']);
  });

  test('a one-condition list of strings is one shared, frozen copy across routes; any other stays its own', () => {
    const entry = (conditions: unknown[]) => ({ status: { ingress: [{ ...ours, conditions }] } });
    const list = (raw: unknown) => routeRecordOf(raw).ingress[0]?.conditions;
    const admitted = () => [{ type: 'Admitted', status: 'True', lastTransitionTime: '2026-12-05T15:00:00Z' }];
    const first = list(entry(admitted()));
    expect(list(entry(admitted()))).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual(admitted() as typeof first);
    // Another second, a field not a string, two conditions: each its own.
    for (const other of [
      [{ ...admitted()[0], lastTransitionTime: '2026-12-05T15:00:01Z' }],
      [{ ...admitted()[0], extra: true }],
      [...admitted(), ...admitted()],
    ]) {
      const got = list(entry(other));
      expect(got).not.toBe(first);
      expect(got).toEqual(other as typeof got);
    }
  });

  test("a tenant's condition text cannot make another route's list read as its own", () => {
    const entry = (condition: Record<string, string>) => ({ status: { ingress: [{ ...ours, conditions: [condition] }] } });
    // Read first, and one field that spells the plain list's fields with separators in it.
    const crafted = { type: 'Admitted\u0001status\u0000True\u0001lastTransitionTime\u00002026-12-05T15:00:00Z' };
    const plain = { type: 'Admitted', status: 'True', lastTransitionTime: '2026-12-05T15:00:00Z' };
    expect(routeRecordOf(entry(crafted)).ingress[0]?.conditions).toEqual([crafted] as never);
    expect(routeRecordOf(entry(plain)).ingress[0]?.conditions).toEqual([plain] as never);
  });
});
