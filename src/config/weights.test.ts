import { describe, expect, test } from 'bun:test';
import { clampServiceWeight, hashableWeights, isHashedBalance, serverWeights } from './weights.ts';

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
    ['shares in lowest terms: 100/1 against 50/2 is 4:1', [{ weight: 100, servers: 1 }, { weight: 50, servers: 2 }], [4, 1]],
    ['equal shares weigh 1 each, however large the route weights', [{ weight: 256, servers: 1 }, { weight: 256, servers: 1 }], [1, 1]],
    ['exact where upstream truncates (upstream: 170 and 256)', [{ weight: 50, servers: 3 }, { weight: 50, servers: 2 }], [2, 3]],
    ['three services', [{ weight: 30, servers: 2 }, { weight: 20, servers: 1 }, { weight: 10, servers: 1 }], [3, 4, 2]],
    ['a ratio that needs more than 256: upstream scaling, never 0', [{ weight: 256, servers: 1 }, { weight: 1, servers: 100 }], [256, 1]],
    ['a ratio that needs more than 256 (300:101): upstream scaling (256:86) in lowest terms', [{ weight: 100, servers: 1 }, { weight: 101, servers: 3 }], [128, 43]],
    ['coprime weights near the top stay as they are', [{ weight: 255, servers: 1 }, { weight: 256, servers: 1 }], [255, 256]],
    ['all weights 0', [{ weight: 0, servers: 1 }, { weight: 0, servers: 1 }], [0, 0]],
    ['pod counts whose common multiple is huge fall back to scaling', [{ weight: 7, servers: 65521 }, { weight: 5, servers: 65519 }, { weight: 3, servers: 65497 }], [256, 182, 109]],
  ] as const)('%s', (_name, services, want) => expect(serverWeights(services)).toEqual([...want]));
});

describe('isHashedBalance', () => {
  test.each([
    ['random', true],
    ['random(2)', true],
    ['source', true],
    ['hdr(host)', true],
    ['uri whole', true],
    ['roundrobin', false],
    ['static-rr', false],
    ['leastconn', false],
    ['first', false],
  ] as const)('%s: %p', (balance, want) => expect(isHashedBalance(balance)).toBe(want));
});

describe('hashableWeights', () => {
  test.each([
    ['16 and below stay as they are', [16, 15, 0], [16, 15, 0]],
    ['larger ones become the nearest ratio with 16 at the top', [256, 170], [16, 11]],
    ['in lowest terms', [256, 128, 64], [4, 2, 1]],
    ['a small non-zero share never becomes 0', [256, 1, 0], [16, 1, 0]],
    ['the coprime worst case', [256, 255], [1, 1]],
  ] as const)('%s', (_name, weights, want) => expect(hashableWeights(weights)).toEqual([...want]));
});
