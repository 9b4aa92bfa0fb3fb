import { describe, expect, test } from 'bun:test';
import { heapStats } from 'bun:jsc';
import { flatText } from './flat-text.ts';

function built(i: number): string {
  let text = '';
  for (let j = 0; j < 30; j++) text += `    server pod-${j} 10.0.${i % 250}.${j}:8080 weight 1 track checks/c${i}\n`;
  return text;
}

function heapAfter(keep: (text: string) => string): { bytes: number; texts: string[] } {
  // Twice, so that what earlier tests left is gone before the measurement starts: in a suite's process the pieces'
  // 24 MB once read as 18, the difference shrunk by garbage freed during it.
  Bun.gc(true);
  Bun.gc(true);
  const before = heapStats().heapSize;
  const texts = Array.from({ length: 5000 }, (_, i) => keep(built(i)));
  Bun.gc(true);
  return { bytes: heapStats().heapSize - before, texts };
}

describe('flatText', () => {
  test('returns the same characters', () => {
    expect(flatText(built(7))).toBe(built(7));
    expect(flatText('')).toBe('');
  });

  test('a kept text built piece by piece takes well under half the memory once flattened', () => {
    const pieces = heapAfter((t) => t);
    const flat = heapAfter(flatText);
    expect(flat.texts).toEqual(pieces.texts);
    expect(flat.bytes).toBeLessThan(pieces.bytes / 2);
  });
});
