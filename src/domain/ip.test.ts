import { describe, expect, test } from 'bun:test';
import { canonicalIp, parseIp, reachedIPv4, reachedText } from './ip.ts';

describe('canonicalIp: the one text an address is written in', () => {
  test.each([
    ['10.0.0.1', '10.0.0.1'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['100.64.0.10', '100.64.0.10'],
    ['2001:db8::1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    // Unambiguous IPv6 spellings are written in RFC 5952 form: lower case, no leading zeros, longest zero run compressed.
    ['0:0::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['FD00::A', 'fd00::a'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['fe80::', 'fe80::'],
    ['1::', '1::'],
    // IPv4-mapped stays IPv6 (haproxy dials it from an IPv6 socket), written with its dotted tail.
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:0102:0304', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:ffff:7f00:1', '::ffff:127.0.0.1'],
    // IPv4-compatible and other embedded forms are plain IPv6.
    ['::1.2.3.4', '::102:304'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ])('%p -> %p', (text, canonical) => {
    expect(canonicalIp(text)).toBe(canonical);
    expect(canonicalIp(canonical)).toBe(canonical);
  });

  test.each([
    // Leading zeros: inet_aton reads 010 as octal (8.0.0.1) and 08 as a host name to resolve.
    '010.0.0.1',
    '08.0.0.1',
    '10.0.0.01',
    '00.0.0.0',
    '127.000.000.001',
    // inet_aton's shorthand, hex and single-number forms, all of which haproxy would dial.
    '127.1',
    '10.1',
    '0x7f.0.0.1',
    '0x7f000001',
    '2130706433',
    '017700000001',
    '1.2.3.4.5',
    '256.0.0.1',
    '1.2.3.-4',
    '+1.2.3.4',
    '1.2.3.4.',
    '1e1.0.0.1',
    // Leading zeros in an IPv6 dotted tail.
    '::ffff:01.2.3.4',
    '::ffff:1.2.3.04',
    '::01.2.3.4',
    // Zone IDs, brackets, ports, prefixes.
    'fe80::1%eth0',
    'fe80::1%25eth0',
    '[::1]',
    '10.0.0.1:80',
    '10.0.0.1/32',
    '::1/128',
    // Malformed IPv6.
    '1::2::3',
    ':::',
    ':1::',
    '::1:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    '::1.2.3',
    '1.2.3.4::',
    '1:1.2.3.4::1',
    '::1.2.3.4:1',
    'g::1',
    // Unicode digits, whitespace, empty, names.
    '١٠.0.0.1',
    '',
    ' ',
    ' 10.0.0.1',
    '10.0.0.1 ',
    '10.0.0.1\n',
    '10.0.0.1\tx',
    '10 .0.0.1',
    ':: 1',
    'localhost',
    'example.com',
  ])('refuses %p', (text) => {
    expect(canonicalIp(text)).toBeUndefined();
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('what a connection reaches', () => {
  test.each([
    ['10.0.0.1', '10.0.0.1', [10, 0, 0, 1]],
    ['::ffff:10.0.0.1', '10.0.0.1', [10, 0, 0, 1]],
    ['::ffff:a00:1', '10.0.0.1', [10, 0, 0, 1]],
    ['::10.0.0.1', '::a00:1', undefined],
    ['fd00::1', 'fd00::1', undefined],
    ['FD00::0001', 'fd00::1', undefined],
  ])('%p reaches %p', (text, reached, v4) => {
    const ip = parseIp(text);
    if (!ip) throw new Error(`${text} did not parse`);
    expect(reachedText(ip)).toBe(reached);
    expect(reachedIPv4(ip)).toEqual(v4 as number[] | undefined);
  });
});
