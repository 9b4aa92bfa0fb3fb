import { heapStats } from 'bun:jsc';
import { expect, test } from 'bun:test';
import { shared, sharedText } from './shared-strings.ts';

test('returns an equal string, whatever its length, also past the table bound', () => {
  for (const s of ['', 'Service', 'x'.repeat(65), ...Array.from({ length: 25_000 }, (_, i) => `v${i}`)]) expect(shared(s)).toBe(s);
});

test('repeated values end up as one string', () => {
  const strings = () => heapStats().objectTypeCounts.string ?? 0;
  // Fresh strings (built at run time, as a parser builds them) that are all equal.
  const make = () => Array.from({ length: 20_000 }, (_, i) => ['name', 'space', String(i % 1)].join('-'));
  /** Strings alive after keeping what `keep` returns. The collector scans the stack conservatively: a stale slot can keep the fresh array's strings, so the least of three tries counts. */
  const kept = (keep: () => string[]) => {
    let least = Number.POSITIVE_INFINITY;
    const held: string[][] = [];
    for (let i = 0; i < 3; i++) {
      Bun.gc(true);
      const before = strings();
      held.push(keep());
      Bun.gc(true);
      least = Math.min(least, strings() - before);
    }
    expect(held[2]).toHaveLength(20_000);
    return least;
  };
  expect(kept(() => make().map(shared))).toBeLessThan(1000);
  expect(kept(make)).toBeGreaterThan(15_000);
});

test('repeated certificates end up as one string, distinct ones stay themselves', () => {
  const pem = (i: number) => ['-----BEGIN CERTIFICATE-----', 'M'.repeat(600), String(i), '-----END CERTIFICATE-----'].join('\n');
  const first = sharedText(pem(1));
  expect(sharedText(pem(1))).toBe(first);
  expect(sharedText(pem(2))).toBe(pem(2));
  // Past the table's bound in characters: equal text still, and the table starts over.
  for (let i = 0; i < 3_000; i++) expect(sharedText(pem(i))).toBe(pem(i));
  const huge = 'x'.repeat((1 << 20) + 1);
  expect(sharedText(huge)).toBe(huge);
});

test('a certificate on thousands of routes is kept once', () => {
  const bytes = () => heapStats().extraMemorySize + heapStats().heapSize;
  const make = () => Array.from({ length: 2_000 }, () => ['-----BEGIN CERTIFICATE-----', 'M'.repeat(1000), '-----END CERTIFICATE-----'].join('\n'));
  Bun.gc(true);
  const before = bytes();
  const kept = make().map(sharedText);
  Bun.gc(true);
  const withSharing = bytes() - before;
  const copies = make();
  Bun.gc(true);
  const withoutSharing = bytes() - before - withSharing;
  expect(kept).toHaveLength(copies.length);
  expect(withSharing).toBeLessThan(500_000);
  expect(withoutSharing).toBeGreaterThan(1_500_000);
});
