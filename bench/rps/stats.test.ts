import { describe, expect, test } from 'bun:test';
import { cpuPerRequestUs, formatSpread, pairedRatios, spreadOf } from './stats.ts';

describe('spreadOf', () => {
  test.each([
    [[3, 1, 2], { median: 2, min: 1, max: 3 }],
    [[4, 1, 3, 2], { median: 2.5, min: 1, max: 4 }],
    [[5, Number.NaN, 1], { median: 3, min: 1, max: 5 }],
    [[7], { median: 7, min: 7, max: 7 }],
  ])('%j', (values, expected) => {
    expect(spreadOf(values)).toEqual(expected);
  });

  test('nothing measured is not a figure', () => {
    expect(formatSpread(spreadOf([]))).toBe('n/a');
  });
});

test('paired ratios divide round by round, as far as both sides have rounds', () => {
  expect(pairedRatios([10, 9, 8], [10, 10])).toEqual([1, 0.9]);
});

describe('cpuPerRequestUs', () => {
  test.each([
    // 1 s of CPU over 100,000 requests in 10 s, idle at 0.01 s per s: 10 µs gross, 9 µs net.
    [1, 100_000, 10, 0.01, { gross: 10, net: 9 }],
    [1, 100_000, 10, 0, { gross: 10, net: 10 }],
  ])('%d s CPU, %d requests, %d s, idle %d', (cpu, requests, wall, idle, expected) => {
    const got = cpuPerRequestUs(cpu, requests, wall, idle);
    expect(got.gross).toBeCloseTo(expected.gross, 6);
    expect(got.net).toBeCloseTo(expected.net, 6);
  });

  test('no requests, no figure', () => {
    expect(cpuPerRequestUs(1, 0, 10, 0).gross).toBeNaN();
  });
});
