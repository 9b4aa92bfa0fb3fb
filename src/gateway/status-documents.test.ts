import { describe, expect, test } from 'bun:test';
import { routeParents, sameStatus, storedConditions } from './status-documents.ts';

const ACCEPTED = { type: 'Accepted', status: 'True' as const, reason: 'Accepted', message: '' };
const REFUSED = { type: 'Accepted', status: 'False' as const, reason: 'NotAllowedByListeners', message: 'no' };

describe('storedConditions', () => {
  test('a condition keeps its transition time while its status holds, and takes now when it flips', () => {
    const before = storedConditions([ACCEPTED], 1, undefined, 'T1');
    expect(before).toEqual([{ ...ACCEPTED, observedGeneration: 1, lastTransitionTime: 'T1' }]);
    expect(storedConditions([ACCEPTED], 2, before, 'T2')[0]?.lastTransitionTime).toBe('T1');
    expect(storedConditions([REFUSED], 2, before, 'T2')[0]?.lastTransitionTime).toBe('T2');
  });
});

describe('routeParents', () => {
  const ref = { name: 'gw' };
  test("other controllers' entries stay; ours follow the parentRefs, and ours no longer judged go", () => {
    const theirs = { parentRef: { name: 'other' }, controllerName: 'example.com/other', conditions: [] };
    const stale = { parentRef: { name: 'gone' }, controllerName: 'me/x', conditions: [] };
    const parents = routeParents([theirs, stale], 'me/x', [{ parentRef: ref, conditions: [ACCEPTED] }], 3, 'T');
    expect(parents).toEqual([theirs, { parentRef: ref, controllerName: 'me/x', conditions: [{ ...ACCEPTED, observedGeneration: 3, lastTransitionTime: 'T' }] }]);
  });

  test('an unchanged verdict makes the same document: no write', () => {
    const first = routeParents([], 'me/x', [{ parentRef: ref, conditions: [ACCEPTED] }], 1, 'T1');
    expect(sameStatus({ parents: first }, { parents: routeParents(first, 'me/x', [{ parentRef: ref, conditions: [ACCEPTED] }], 1, 'T2') })).toBe(true);
  });
});

test('sameStatus ignores key order and undefined fields', () => {
  expect(sameStatus({ a: 1, b: [{ c: 2, d: 3 }] }, { b: [{ d: 3, c: 2 }], a: 1, e: undefined })).toBe(true);
  expect(sameStatus({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
});
