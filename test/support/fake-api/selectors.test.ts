import { describe, expect, test } from 'bun:test';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import type { KubeObject } from './types.ts';

const obj = (labels: Record<string, string>, spec: Record<string, unknown> = {}): KubeObject => ({
  kind: 'Route', metadata: { name: 'r1', namespace: 'ns1', labels }, spec,
});

describe('label selectors', () => {
  const o = obj({ app: 'web', tier: 'front', empty: '' });
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=api', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app in (api)', false],
    ['app notin (api)', true],
    ['missing notin (api)', true],
    ['app notin (web,api)', false],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['empty=', true],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['app in (web,x), !missing, tier', true],
  ];
  for (const [sel, want] of cases) {
    test(`${JSON.stringify(sel)} → ${want}`, () => expect(parseLabelSelector(sel)(o)).toBe(want));
  }

  test('garbage is a SelectorError', () => {
    expect(() => parseLabelSelector('a=b=c')).toThrow(SelectorError);
    expect(() => parseLabelSelector('a in x')).toThrow(SelectorError);
  });
});

describe('field selectors', () => {
  const fields = { 'spec.host': (o: KubeObject) => String((o.spec as { host?: string }).host ?? '') };
  const o = obj({}, { host: 'a.example.com' });

  test('metadata fields and resource fields, = == !=', () => {
    expect(parseFieldSelector('metadata.name=r1', fields)(o)).toBe(true);
    expect(parseFieldSelector('metadata.namespace==ns1,spec.host=a.example.com', fields)(o)).toBe(true);
    expect(parseFieldSelector('spec.host!=a.example.com', fields)(o)).toBe(false);
    expect(parseFieldSelector('metadata.name!=other', fields)(o)).toBe(true);
  });

  test('unknown field labels are rejected as the API server does', () => {
    expect(() => parseFieldSelector('spec.nope=x', fields)).toThrow('field label not supported: spec.nope');
  });
});
