import { describe, expect, test } from 'bun:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { identityOf, takeObject } from './identity.ts';

const route = {
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: 'web', namespace: 'shop', resourceVersion: '42', uid: 'u-1', labels: { a: 'b' }, annotations: { x: 'y' } },
  spec: { host: 'web.example.com' },
} as KubernetesObject;

describe('identityOf / takeObject', () => {
  test.each([
    ['a full object', route, { apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'web', namespace: 'shop', resourceVersion: '42', uid: 'u-1' } }],
    ['a list item without kind or namespace', { metadata: { name: 'n', resourceVersion: '1' } }, { metadata: { name: 'n', resourceVersion: '1' } }],
    ['no metadata', {}, { metadata: {} }],
  ])('%s: the identity keeps only what the cache and delete handlers read', (_, obj, expected) => {
    const identity = identityOf(obj as KubernetesObject);
    expect(takeObject(identity)).toBe(obj as KubernetesObject);
    expect(identity).toEqual(expected as KubernetesObject);
  });

  test('`name`: only what the cache reads (name, namespace, resourceVersion), for kinds whose handlers need no more', () => {
    const identity = identityOf(route, 'name');
    expect(takeObject(identity)).toBe(route);
    expect(identity).toEqual({ metadata: { name: 'web', namespace: 'shop', resourceVersion: '42' } } as KubernetesObject);
  });

  test('the full object is taken once: afterwards the identity holds nothing more', () => {
    const identity = identityOf(route);
    expect(takeObject(identity)).toBe(route);
    expect(takeObject(identity)).toBe(identity);
    expect(Object.getOwnPropertySymbols(identity)).toEqual([]);
  });

  test('an object that is no identity is returned as it is', () => {
    expect(takeObject(route)).toBe(route);
  });
});
