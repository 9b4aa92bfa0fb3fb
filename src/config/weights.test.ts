import { describe, expect, test } from 'bun:test';
import { clampServiceWeight, serverWeights } from './weights.ts';

describe('clampServiceWeight', () => {
  test.each([
    [undefined, 1],
    [0, 0],
    [-5, 0],
    [100, 100],
    [300, 256],
    [12.7, 12],
  ])('%p -> %p', (input, want) => expect(clampServiceWeight(input as number | undefined)).toBe(want));
});

describe('serverWeights', () => {
  test.each([
    ['one active service: every server weighs 1', [{ weight: 100, servers: 3 }], [1]],
    ['weight-0 service next to an active one', [{ weight: 100, servers: 2 }, { weight: 0, servers: 2 }], [1, 0]],
    ['service without endpoints does not count', [{ weight: 100, servers: 2 }, { weight: 50, servers: 0 }], [1, 0]],
    ['two services scale the largest share to 256', [{ weight: 100, servers: 1 }, { weight: 50, servers: 2 }], [256, 64]],
    ['tiny share never rounds to 0', [{ weight: 256, servers: 1 }, { weight: 1, servers: 100 }], [256, 1]],
    ['all weights 0', [{ weight: 0, servers: 1 }, { weight: 0, servers: 1 }], [0, 0]],
  ] as const)('%s', (_name, services, want) => expect(serverWeights(services)).toEqual([...want]));
});
