import { describe, expect, test } from 'bun:test';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import { apiRefusal, NO_HOST_ADDRESSES, type EndpointPolicy, type HostAddresses } from './endpoint-address.ts';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.cidr;
}

const STRICT: EndpointPolicy = { allowLoopback: false, allowHost: false, cidrs: [] };
const SYNTAX = 'not an IP address as haproxy reads it (IPv4: four decimal octets without leading zeros; no zone IDs or spaces)';
const LOOPBACK = 'loopback address (--allow-loopback-endpoints allows it)';
const HOST = 'an address of this host (--allow-host-endpoints allows it)';
/** The host of these tests: an address on eth0, one added to lo, an IPv6 one, and an AnyIP range (`ip route add local`). */
const HOST_ADDRESSES: HostAddresses = {
  addresses: new Set(['192.168.1.10', '10.255.0.1', '2001:db8::10']),
  ranges: [cidr('10.99.0.0/16')],
};

describe('apiRefusal: every odd spelling, with no host addresses and no restriction', () => {
  test.each([
    ['10.0.0.1', undefined],
    ['192.168.1.10', undefined],
    ['2001:db8::1', undefined],
    ['fd00::1', undefined],
    ['FD00::0001', undefined],
    ['::ffff:10.0.0.1', undefined],
    ['100.64.0.1', undefined],
    // What haproxy would dial or resolve differently from the text the filter checked.
    ['010.0.0.1', SYNTAX],
    ['08.0.0.1', SYNTAX],
    ['127.1', SYNTAX],
    ['0x7f.0.0.1', SYNTAX],
    ['2130706433', SYNTAX],
    ['0177.0.0.1', SYNTAX],
    ['::ffff:01.2.3.4', SYNTAX],
    ['::ffff:127.0.0.01', SYNTAX],
    ['fe80::1%eth0', SYNTAX],
    ['', SYNTAX],
    [' 10.0.0.1', SYNTAX],
    ['10.0.0.1 ', SYNTAX],
    ['localhost', SYNTAX],
    // Kinds no endpoint from the API may have, in any spelling.
    ['0.0.0.0', 'unspecified address'],
    ['0.1.2.3', 'unspecified address'],
    ['::', 'unspecified address'],
    ['::ffff:0.0.0.0', 'unspecified address'],
    ['127.0.0.1', LOOPBACK],
    ['127.1.2.3', LOOPBACK],
    ['::1', LOOPBACK],
    ['0:0::1', LOOPBACK],
    ['::ffff:127.0.0.1', LOOPBACK],
    ['::FFFF:7F00:1', LOOPBACK],
    ['::127.0.0.1', 'IPv4-compatible address'],
    ['::10.0.0.1', 'IPv4-compatible address'],
    ['169.254.1.1', 'link-local address'],
    ['fe80::1', 'link-local address'],
    ['FE80::1', 'link-local address'],
    ['::ffff:169.254.1.1', 'link-local address'],
    ['224.0.0.1', 'multicast address'],
    ['ff02::1', 'multicast address'],
    ['169.254.169.254', 'cloud metadata address'],
    ['::ffff:169.254.169.254', 'cloud metadata address'],
    ['::ffff:a9fe:a9fe', 'cloud metadata address'],
    ['168.63.129.16', 'cloud metadata address'],
    ['100.100.100.200', 'cloud metadata address'],
    ['::ffff:a83f:8110', 'cloud metadata address'],
    ['fd00:ec2::254', 'cloud metadata address'],
    ['FD00:EC2:0::254', 'cloud metadata address'],
  ])('%p -> %p', (ip, reason) => expect(apiRefusal(ip, NO_HOST_ADDRESSES, STRICT)).toBe(reason as string | undefined));
});

describe('apiRefusal: host addresses, loopback and --endpoint-cidrs', () => {
  const restricted: EndpointPolicy = { ...STRICT, cidrs: [cidr('10.128.0.0/14'), cidr('fd00:10::/48')] };
  test.each<[string, EndpointPolicy, string, string | undefined]>([
    ['a host address', STRICT, '192.168.1.10', HOST],
    ['a host address, IPv4-mapped', STRICT, '::ffff:192.168.1.10', HOST],
    ['a host address, in hex', STRICT, '::ffff:c0a8:10a', HOST],
    ['an address added to lo', STRICT, '10.255.0.1', HOST],
    ['a host IPv6 address, spelled otherwise', STRICT, '2001:DB8:0::10', HOST],
    ['in a local range', STRICT, '10.99.3.4', HOST],
    ['in a local range, IPv4-mapped', STRICT, '::ffff:10.99.3.4', HOST],
    ['next to a host address', STRICT, '192.168.1.11', undefined],
    ['a host address with --allow-host-endpoints', { ...STRICT, allowHost: true }, '192.168.1.10', undefined],
    ['loopback stays refused with --allow-host-endpoints', { ...STRICT, allowHost: true }, '127.0.0.1', LOOPBACK],
    ['loopback with --allow-loopback-endpoints', { ...STRICT, allowLoopback: true }, '127.0.0.1', undefined],
    ['mapped loopback with --allow-loopback-endpoints', { ...STRICT, allowLoopback: true }, '::ffff:127.0.0.1', undefined],
    ['loopback ignores --endpoint-cidrs', { ...restricted, allowLoopback: true }, '127.0.0.1', undefined],
    ['metadata with every allowance', { allowLoopback: true, allowHost: true, cidrs: [] }, '169.254.169.254', 'cloud metadata address'],
    ['the host rule with --allow-loopback-endpoints', { ...STRICT, allowLoopback: true }, '10.255.0.1', HOST],
    ['inside --endpoint-cidrs', restricted, '10.130.4.5', undefined],
    ['inside --endpoint-cidrs, IPv4-mapped', restricted, '::ffff:10.130.4.5', undefined],
    ['inside --endpoint-cidrs, IPv6', restricted, 'fd00:10::5', undefined],
    ['outside --endpoint-cidrs', restricted, '10.132.0.1', 'outside --endpoint-cidrs 10.128.0.0/14,fd00:10::/48'],
    ['outside --endpoint-cidrs, IPv4-mapped', restricted, '::ffff:10.132.0.1', 'outside --endpoint-cidrs 10.128.0.0/14,fd00:10::/48'],
    ['outside --endpoint-cidrs, IPv6', restricted, 'fd00:11::5', 'outside --endpoint-cidrs 10.128.0.0/14,fd00:10::/48'],
    ['a host address inside --endpoint-cidrs', { ...restricted, cidrs: [cidr('192.168.0.0/16')] }, '192.168.1.10', HOST],
    ['an allowed host address outside --endpoint-cidrs', { ...restricted, allowHost: true }, '192.168.1.10', 'outside --endpoint-cidrs 10.128.0.0/14,fd00:10::/48'],
  ])('%s', (_name, policy, ip, reason) => expect(apiRefusal(ip, HOST_ADDRESSES, policy)).toBe(reason));
});
