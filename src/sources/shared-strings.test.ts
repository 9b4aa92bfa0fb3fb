import { heapStats } from 'bun:jsc';
import { expect, test } from 'bun:test';
import { shared } from './shared-strings.ts';

test('returns an equal string, whatever its length, also past the table bound', () => {
  for (const s of ['', 'Service', 'x'.repeat(65), ...Array.from({ length: 25_000 }, (_, i) => `v${i}`)]) expect(shared(s)).toBe(s);
});

test('repeated values end up as one string', () => {
  const strings = () => heapStats().objectTypeCounts.string ?? 0;
  // Fresh strings (built at run time, as a parser builds them) that are all equal.
  const make = () => Array.from({ length: 20_000 }, (_, i) => ['name', 'space', String(i % 1)].join('-'));
  Bun.gc(true);
  const before = strings();
  const kept = make().map(shared);
  Bun.gc(true);
  const withSharing = strings() - before;
  const copies = make();
  Bun.gc(true);
  const withoutSharing = strings() - before - withSharing;
  expect(kept).toHaveLength(copies.length);
  expect(withSharing).toBeLessThan(1000);
  expect(withoutSharing).toBeGreaterThan(15_000);
});
