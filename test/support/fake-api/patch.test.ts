import { describe, expect, test } from 'bun:test';
import { jsonPatch, mergePatch } from './patch.ts';
import { ApiError } from './status.ts';

describe('merge patch (RFC 7386)', () => {
  test('merges objects, null deletes, arrays replace', () => {
    const doc = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    expect(mergePatch(doc, { a: { b: 9, c: null }, list: [3] })).toEqual({ a: { b: 9 }, list: [3], keep: true });
    expect(doc.a.c).toBe(2);
  });
});

describe('json patch (RFC 6902 subset)', () => {
  const doc = { metadata: { resourceVersion: '5' }, status: { ingress: [{ host: 'a' }] } };

  test('add, replace, remove and a passing test', () => {
    const out = jsonPatch(doc, [
      { op: 'test', path: '/metadata/resourceVersion', value: '5' },
      { op: 'add', path: '/status/ingress/-', value: { host: 'b' } },
      { op: 'replace', path: '/status/ingress/0/host', value: 'z' },
      { op: 'add', path: '/status/a~1b', value: 1 },
      { op: 'remove', path: '/metadata/resourceVersion' },
    ]);
    expect(out).toEqual({ metadata: {}, status: { ingress: [{ host: 'z' }, { host: 'b' }], 'a/b': 1 } });
    expect(doc.status.ingress).toHaveLength(1);
  });

  test('a failing test is 422 Invalid, a malformed patch 400', () => {
    const fail = (patch: unknown): ApiError => {
      try {
        jsonPatch(doc, patch);
      } catch (e) {
        return e as ApiError;
      }
      throw new Error('patch applied');
    };
    expect(fail([{ op: 'test', path: '/metadata/resourceVersion', value: '4' }]).code).toBe(422);
    expect(fail([{ op: 'replace', path: '/nope', value: 1 }]).code).toBe(422);
    expect(fail([{ op: 'move', from: '/a', path: '/b' }]).code).toBe(422);
    expect(fail({ op: 'add' }).code).toBe(400);
  });
});
