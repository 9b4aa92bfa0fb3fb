import { describe, expect, test } from 'bun:test';
import { ByteRing } from './byte-ring.ts';

/** Puts `bytes` into `ring` as a reader of a pipe would: as much as fits. */
function putBytes(ring: ByteRing, bytes: Uint8Array): number {
  let from = 0;
  return ring.put((view, offset, length) => {
    const count = Math.min(length, bytes.length - from);
    view.set(bytes.subarray(from, from + count), offset);
    from += count;
    return count;
  });
}

function takeAll(ring: ByteRing, max = 1 << 16): string {
  const target = new Uint8Array(max);
  return Buffer.from(target.subarray(0, ring.take(target, 0, max))).toString();
}

const text = (s: string) => new TextEncoder().encode(s);

describe('ByteRing', () => {
  test.each([
    // [capacity, writes and takes in order ("+text" puts, "-n" takes n bytes), what the takes return, bytes put]
    [8, ['+abc', '-3'], ['abc'], [3]],
    [8, ['+abcdefghij', '-8'], ['abcdefgh'], [8]],
    [8, ['+abcdef', '-4', '+ghijkl', '-8'], ['abcd', 'efghijkl'], [6, 6]],
    [8, ['+abcdef', '-6', '+ghijklmn', '-8'], ['abcdef', 'ghijklmn'], [6, 8]],
    [8, ['+ab', '-0', '-2', '-1'], ['', 'ab', ''], [2]],
    [4, ['+ab', '+cdef', '-4', '+g', '-4'], ['abcd', 'g'], [2, 2, 1]],
  ] as const)('capacity %d, %j', (capacity, steps, takes, puts) => {
    const ring = ByteRing.create(capacity);
    const taken: string[] = [];
    const put: number[] = [];
    for (const step of steps) {
      if (step.startsWith('+')) put.push(putBytes(ring, text(step.slice(1))));
      else taken.push(takeAll(ring, Number(step.slice(1))));
    }
    expect({ taken, put }).toEqual({ taken: [...takes], put: [...puts] });
  });

  test('a filler that puts less than offered stops the put', () => {
    const ring = ByteRing.create(16);
    let calls = 0;
    expect(ring.put(() => (calls++, 3))).toBe(3);
    expect(calls).toBe(1);
    expect(ring.used).toBe(3);
  });

  test('another view of the same memory (as a worker has) sees what one side put', () => {
    const ring = ByteRing.create(8);
    const other = new ByteRing(ring.shared);
    putBytes(ring, text('hello'));
    expect(takeAll(other)).toBe('hello');
    expect(ring.used).toBe(0);
  });
});
