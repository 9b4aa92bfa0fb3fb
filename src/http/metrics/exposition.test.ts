import { describe, expect, test } from 'bun:test';
import { labelsAndValue, parseExposition } from '../../../test/support/prometheus.ts';
import { escapeLabelValue, Exposition, formatValue } from './exposition.ts';

describe('Exposition', () => {
  test('families come out once each, HELP and TYPE before their samples, in declaration order', () => {
    const e = new Exposition();
    e.declare('b_total', 'counter', 'B things.');
    e.declare('a', 'gauge', 'A level.');
    e.sample('a', { x: '1' }, 1);
    e.sample('b_total', {}, 2);
    e.declare('a', 'counter', 'ignored: the first declaration stays');
    e.sample('a', { x: '2' }, 3);
    expect(e.text()).toBe('# HELP b_total B things.\n# TYPE b_total counter\nb_total 2\n# HELP a A level.\n# TYPE a gauge\na{x="1"} 1\na{x="2"} 3\n');
  });

  test('a tenant-chosen label value cannot break out of its quotes or its line', () => {
    const hostile = 'r"} 1\nevil_metric 666\n\\';
    const e = new Exposition();
    e.declare('haproxy_backend_up', 'gauge', 'Help with \\ and\nnewline.');
    e.sample('haproxy_backend_up', { route: hostile }, 1);
    const families = parseExposition(e.text());
    expect([...families.keys()]).toEqual(['haproxy_backend_up']);
    expect(families.get('haproxy_backend_up')?.samples.map(labelsAndValue)).toEqual([{ labels: { route: hostile }, value: '1' }]);
  });

  test('a sample of an undeclared family is a programming error', () => {
    expect(() => new Exposition().sample('nope', {}, 1)).toThrow('metric family nope was not declared');
  });

  test.each([
    [0, '0'],
    [12.5, '12.5'],
    [-3, '-3'],
    [Number.NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('value %p is written %p', (value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  test.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
  ])('label value %j is escaped as %j', (value, escaped) => {
    expect(escapeLabelValue(value)).toBe(escaped);
  });
});
