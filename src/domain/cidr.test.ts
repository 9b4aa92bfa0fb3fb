import { describe, expect, test } from 'bun:test';
import { cidrContains, parseCidr, type Cidr } from './cidr.ts';
import { parseIp } from './ip.ts';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.cidr;
}

describe('parseCidr', () => {
  test.each([
    ['10.128.0.0/14', '10.128.0.0/14'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.0.0.1/32', '10.0.0.1/32'],
    ['FD00:0::/48', 'fd00::/48'],
    ['::/0', '::/0'],
    ['2001:db8::1/128', '2001:db8::1/128'],
  ])('%p is %p', (text, canonical) => {
    expect(cidr(text).text).toBe(canonical);
  });

  test.each([
    ['10.0.0.0', 'invalid CIDR "10.0.0.0" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['010.0.0.0/8', 'invalid CIDR "010.0.0.0/8" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['10.0.0.0/08', 'invalid CIDR "10.0.0.0/08" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['10.0.0.0/', 'invalid CIDR "10.0.0.0/" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['10.0.0.0/-1', 'invalid CIDR "10.0.0.0/-1" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['10.0.0.0/8/8', 'invalid CIDR "10.0.0.0/8/8" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['fe80::1%eth0/64', 'invalid CIDR "fe80::1%eth0/64" (want e.g. 10.128.0.0/14 or fd00::/48)'],
    ['10.0.0.0/33', '"10.0.0.0/33": the prefix length is at most 32'],
    ['10.1.0.0/8', '"10.1.0.0/8" has bits set past its prefix (did you mean 10.0.0.0/8?)'],
    ['fd00::1/64', '"fd00::1/64" has bits set past its prefix (did you mean fd00::/64?)'],
    ['::ffff:10.0.0.0/104', '"::ffff:10.0.0.0/104": write IPv4-mapped ranges as IPv4 CIDRs'],
  ])('refuses %p', (text, error) => {
    expect(parseCidr(text)).toEqual({ ok: false, error });
  });
});

describe('cidrContains', () => {
  test.each([
    ['10.128.0.0/14', '10.128.0.1', true],
    ['10.128.0.0/14', '10.131.255.255', true],
    ['10.128.0.0/14', '10.132.0.0', false],
    // An IPv4-mapped address reaches the IPv4 address, and is matched as it.
    ['10.128.0.0/14', '::ffff:10.128.0.1', true],
    ['10.128.0.0/14', '::ffff:10.132.0.1', false],
    ['0.0.0.0/0', '::ffff:1.2.3.4', true],
    // IPv6 ranges match IPv6 addresses only, even ::/0.
    ['::/0', '10.0.0.1', false],
    ['::/0', '::ffff:10.0.0.1', false],
    ['::/0', 'fd00::1', true],
    ['fd00:10::/48', 'fd00:10:0:ffff::1', true],
    ['fd00:10::/48', 'fd00:11::1', false],
    ['fd00:10::/31', 'fd00:11::1', true],
    ['10.0.0.1/32', '10.0.0.1', true],
    ['10.0.0.1/32', '10.0.0.2', false],
  ])('%p contains %p: %p', (range, address, expected) => {
    const ip = parseIp(address);
    if (!ip) throw new Error(`${address} did not parse`);
    expect(cidrContains(cidr(range), ip)).toBe(expected);
  });
});
