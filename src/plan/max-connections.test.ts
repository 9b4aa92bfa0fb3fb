import { expect, test } from 'bun:test';
import { FD_RESERVE, sizeMaxConnections } from './max-connections.ts';

test.each([
  ['fits', 1000, 20000, 0, 1000],
  ['upstream default on a 20000-file host', 50000, 20000, 0, (20000 - FD_RESERVE) / 2],
  ['checked servers take descriptors too', 50000, 20000, 1000, (20000 - FD_RESERVE - 1000) / 2],
  ['unknown limit keeps the request', 50000, undefined, 0, 50000],
])('%s', (_name, requested, limit, checked, want) => {
  expect(sizeMaxConnections(requested, limit, checked)).toBe(want);
});
