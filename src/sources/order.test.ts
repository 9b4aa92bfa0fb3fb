import { describe, expect, test } from 'bun:test';
import { ipBytes } from '../domain/ip.ts';
import { compareIPs } from './order.ts';

const hex = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString('hex') : undefined);

describe('ipBytes', () => {
  test.each([
    ['10.1.2.3', '00000000000000000000ffff0a010203'],
    ['::ffff:10.1.2.3', '00000000000000000000ffff0a010203'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['fd00::', 'fd000000000000000000000000000000'],
    ['FD00:0:0:0:0:0:0:A', 'fd00000000000000000000000000000a'],
    ['2001:db8::8a2e:370:7334', '20010db80000000000008a2e03707334'],
  ])('%s', (ip, expected) => {
    expect(hex(ipBytes(ip))).toBe(expected);
  });

  test.each(['', 'x', '1.2.3', '1.2.3.4.5', '256.0.0.1', '1.2.3.-4', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7::8', '12345::', '::1.2.3'])(
    'rejects %p',
    (ip) => {
      expect(ipBytes(ip)).toBeUndefined();
    },
  );
});

describe('compareIPs', () => {
  test('sorts like Go bytes.Compare of net.ParseIP: numeric, IPv4 mapped, unparsable first', () => {
    const ips = ['10.0.0.10', 'fd00::1', 'bogus', '10.0.0.9', '::1', '9.255.255.255', 'also-bogus', '::ffff:10.0.0.1'];
    expect(ips.sort(compareIPs)).toEqual([
      'also-bogus',
      'bogus',
      '::1',
      '9.255.255.255',
      '::ffff:10.0.0.1',
      '10.0.0.9',
      '10.0.0.10',
      'fd00::1',
    ]);
  });

  test('equal addresses in different spellings compare equal', () => {
    expect(compareIPs('10.0.0.1', '::ffff:a00:1')).toBe(0);
  });
});
