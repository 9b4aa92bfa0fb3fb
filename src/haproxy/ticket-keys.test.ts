import { describe, expect, test } from 'bun:test';
import { freshTicketKey, parseTicketKeys, rotatedKeys } from './ticket-keys.ts';
import { parseShowTlsKeys } from './ticket-key-rotation.ts';

describe('ticket key ring', () => {
  test.each([
    ['a full ring drops its oldest key', ['a', 'b', 'c'], ['b', 'c', 'n']],
    ['a short ring (a file from elsewhere) grows', ['a'], ['a', 'n']],
  ])('%s', (_what, keys, want) => {
    expect(rotatedKeys(keys, 'n')).toEqual(want);
  });

  test('fresh keys are 48 random bytes in base64, one line each', () => {
    const [a, b] = [freshTicketKey(), freshTicketKey()];
    expect(Buffer.from(a, 'base64')).toHaveLength(48);
    expect(a).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(a).not.toBe(b);
  });

  test.each([
    ['three lines', 'a\nb\nc\n', ['a', 'b', 'c']],
    ['haproxy uses the last three of more', 'a\nb\nc\nd\n', ['b', 'c', 'd']],
    ['blank lines and spaces are no keys', '\n a \n\nb\n', ['a', 'b']],
  ])('a file of %s', (_what, text, want) => {
    expect(parseTicketKeys(text)).toEqual(want);
  });

  test('show tls-keys lists the ring oldest first, like the file', () => {
    const reply = '# id secret\n# 0 (/w/certs/tls-ticket-keys)\n0.0 b2xk\n0.1 bWlk\n0.2 bmV3\n\n';
    expect(parseShowTlsKeys(reply)).toEqual(['b2xk', 'bWlk', 'bmV3']);
    expect(parseShowTlsKeys("'show tls-keys' unable to locate referenced filename\n")).toEqual([]);
  });
});
