import { describe, expect, test } from 'bun:test';
import { routeRecordOf } from './route-record.ts';

const ours = { host: 'a.example.com', routerName: 'public', wildcardPolicy: 'None', conditions: [{ type: 'Admitted', status: 'True', lastTransitionTime: '2026-12-05T15:00:00Z' }] };
const theirs = {
  host: 'a.example.com', routerName: 'other', wildcardPolicy: 'None', routerCanonicalHostname: 'r.example.com', future: { x: 1 },
  conditions: [{ type: 'Admitted', status: 'False', reason: 'HostAlreadyClaimed', message: 'taken', extra: true }],
};

describe('routeRecordOf', () => {
  test.each([
    ['no status', { metadata: { resourceVersion: '7' } }, { resourceVersion: '7', ingress: [] }],
    ['no metadata', { status: { ingress: [ours] } }, { resourceVersion: '', ingress: [ours] }],
    ['every entry as it came, unknown fields included', { metadata: { resourceVersion: '9' }, status: { ingress: [theirs, ours] } }, { resourceVersion: '9', ingress: [theirs, ours] }],
    ['an ingress that is not a list', { status: { ingress: 'x' } }, { resourceVersion: '', ingress: [] }],
    ['not an object', null, { resourceVersion: '', ingress: [] }],
  ])('%s', (_, raw, expected) => {
    expect(routeRecordOf(raw)).toEqual(expected as ReturnType<typeof routeRecordOf>);
  });

  test('keeps nothing else of the object', () => {
    const record = routeRecordOf({ metadata: { resourceVersion: '1', name: 'a', labels: { a: 'b' } }, spec: { host: 'a.example.com' }, status: { ingress: [ours] } });
    expect(Object.keys(record).sort()).toEqual(['ingress', 'resourceVersion']);
  });
});
