import { describe, expect, test } from 'bun:test';
import { PromptSplitter } from './prompt-splitter.ts';

const PROMPT = '\n> ';

/** Every reply `chunks` complete, fed one at a time. */
function split(chunks: readonly string[]): string[] {
  const splitter = new PromptSplitter(PROMPT);
  return chunks.flatMap((c) => splitter.push(c));
}

describe('PromptSplitter', () => {
  test.each([
    ['one reply in one chunk', ['a\n> '], ['a']],
    ['several replies in one chunk', ['a\n> b\n> \n> '], ['a', 'b', '']],
    ['a reply over several chunks', ['ab', 'cd', 'e\n> '], ['abcde']],
    ['a prompt split after its first character', ['a\n', '> b\n> '], ['a', 'b']],
    ['a prompt split after its second character', ['a\n>', ' b\n> '], ['a', 'b']],
    ['a prompt split over three chunks', ['a', '\n', '>', ' ', 'b\n> '], ['a', 'b']],
    ['a reply that has not ended yet', ['a\n> b', 'c'], ['a']],
    ['text that only looks like the start of a prompt', ['a\n>', 'b\n', '\n> '], ['a\n>b\n']],
    ['empty chunks', ['', 'a', '', '\n> ', ''], ['a']],
  ])('%s', (_what, chunks, replies) => {
    expect(split(chunks)).toEqual(replies);
  });

  test('cut anywhere, the same text gives the same replies', () => {
    const text = 'show proc\n> 1\n2\n> \n> x> y\n\n> ';
    const whole = split([text]);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j++) expect(split([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole);
    }
  });

  test('a large reply in many chunks is not copied at every chunk', () => {
    const chunk = `${'x'.repeat(65_533)}\n>`;
    const time = (n: number) => {
      const splitter = new PromptSplitter(PROMPT);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) splitter.push(chunk);
      expect(splitter.push(' ')[0]).toHaveLength(n * chunk.length - 2);
      return performance.now() - t0;
    };
    time(20);
    // 13 MB in 200 chunks: tens of milliseconds; copied at every chunk (1.3 GB in all), several seconds on the test host.
    expect(time(200)).toBeLessThan(1500);
  });
});
