import { describe, expect, test } from 'bun:test';
import { notifySocketAddress } from './notify-address.ts';

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p)] : p)));

describe('notifySocketAddress', () => {
  test.each([
    ['a filesystem path, NUL-terminated', '/run/systemd/notify', bytes([1, 0], '/run/systemd/notify', [0])],
    ['an abstract name: leading NUL, no terminator', '@/org/freedesktop/systemd1/notify/42', bytes([1, 0, 0], '/org/freedesktop/systemd1/notify/42')],
    ['the longest path that fits', '/' + 'a'.repeat(106), bytes([1, 0], '/' + 'a'.repeat(106), [0])],
    ['the longest abstract name that fits', '@' + 'b'.repeat(107), bytes([1, 0, 0], 'b'.repeat(107))],
  ])('%s', (_name, value, expected) => {
    expect(notifySocketAddress(value)).toEqual({ ok: true, address: expected });
  });

  test.each([
    ['a relative path', 'run/notify', 'neither an absolute path'],
    ['an empty value', '', 'neither an absolute path'],
    ['a vsock address (systemd 253+), which this sender does not speak', 'vsock:2:1234', 'neither an absolute path'],
    ['an abstract socket without a name', '@', 'does not fit'],
    ['a path one byte too long', '/' + 'a'.repeat(107), 'does not fit'],
    ['an abstract name one byte too long', '@' + 'b'.repeat(108), 'does not fit'],
  ])('refuses %s', (_name, value, reason) => {
    const result = notifySocketAddress(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
