import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { apiEndpointFilter, apiRefusal, loggingFilter, NO_HOST_ADDRESSES, trustedEndpointFilter, type EndpointPolicy, type HostAddresses } from './endpoint-address.ts';

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

function slice(name: string, addresses: string[]): EndpointSlice {
  return { namespace: 'team', name, serviceName: 'web', addressType: 'IPv4', addresses: addresses.map((ip) => ({ ip, ready: true, podName: '' })), ports: [] };
}

describe('loggingFilter', () => {
  test('logs a refused address once, naming its slice, however often it is checked', () => {
    const { logger, logs } = captureLogs();
    const allow = loggingFilter((ip) => (ip.startsWith('10.') ? undefined : 'bad'), logger);
    const s = slice('web-abcde', []);
    for (let commit = 0; commit < 3; commit++) {
      expect(allow('10.0.0.1', s)).toBe(true);
      expect(allow('08.0.0.1', s)).toBe(false);
      expect(allow('08.0.0.1', s)).toBe(false);
    }
    expect(logs.map((r) => [r.level, r.msg])).toEqual([['warn', 'endpoint address "08.0.0.1" of slice team/web-abcde (service web) refused: bad']]);
  });

  test('logs again in another slice, for another reason, and after the address was let through in between', () => {
    const { logger, logs } = captureLogs();
    let reason: string | undefined = 'first';
    const allow = loggingFilter(() => reason, logger);
    allow('1.2.3.4', slice('a', []));
    allow('1.2.3.4', slice('b', []));
    reason = 'second';
    allow('1.2.3.4', slice('a', []));
    reason = undefined;
    expect(allow('1.2.3.4', slice('a', []))).toBe(true);
    reason = 'second';
    allow('1.2.3.4', slice('a', []));
    expect(logs.map((r) => r.msg)).toEqual([
      'endpoint address "1.2.3.4" of slice team/a (service web) refused: first',
      'endpoint address "1.2.3.4" of slice team/b (service web) refused: first',
      'endpoint address "1.2.3.4" of slice team/a (service web) refused: second',
      'endpoint address "1.2.3.4" of slice team/a (service web) refused: second',
    ]);
  });

  test("a tenant's text is quoted, escaped and cut short in the log", () => {
    const { logger, logs } = captureLogs();
    const allow = trustedEndpointFilter(logger);
    allow('10.0.0.1\nrouter ready', slice('s', []));
    allow(`${'9'.repeat(100)}`, slice('s', []));
    expect(logs.map((r) => r.msg)).toEqual([
      `endpoint address "10.0.0.1\\nrouter ready" of slice team/s (service web) refused: ${SYNTAX}`,
      `endpoint address "${'9'.repeat(64)}..." of slice team/s (service web) refused: ${SYNTAX}`,
    ]);
  });
});

test('the API filter reads the host addresses at each check, and --allow-loopback-endpoints admits loopback alone', () => {
  const { logger } = captureLogs();
  let host: HostAddresses = NO_HOST_ADDRESSES;
  const allow = apiEndpointFilter({ policy: { ...STRICT, allowLoopback: true }, host: () => host, logger });
  const s = slice('s', []);
  expect(allow('127.0.0.1', s)).toBe(true);
  expect(allow('::ffff:127.0.0.1', s)).toBe(true);
  expect(allow('169.254.169.254', s)).toBe(false);
  expect(allow('0x7f.0.0.1', s)).toBe(false);
  expect(allow('10.0.0.1', s)).toBe(true);
  host = { addresses: new Set(['10.0.0.1']), ranges: [] };
  expect(allow('10.0.0.1', s)).toBe(false);
});

test('the manifest filter checks the syntax only', () => {
  const allow = trustedEndpointFilter(captureLogs().logger);
  const s = slice('s', []);
  for (const ip of ['127.0.0.1', '169.254.169.254', '::1', '10.0.0.1', 'FD00::1']) expect([ip, allow(ip, s)]).toEqual([ip, true]);
  for (const ip of ['127.1', '010.0.0.1', 'fe80::1%lo']) expect([ip, allow(ip, s)]).toEqual([ip, false]);
});
