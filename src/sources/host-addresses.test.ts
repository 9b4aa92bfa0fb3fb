import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import type { HostAddresses } from '../config/endpoint-address.ts';
import { followHostAddresses, hostAddressReader, hostAddressSet, parseFibTrie, parseIfInet6, readHostAddresses } from './host-addresses.ts';

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.cidr;
}

/** Read in a network namespace with an address on a veth that is down, one on lo, and `ip route add local 10.99.0.0/16 dev lo`. */
const FIB_TRIE = `Main:
  +-- 0.0.0.0/1 2 0 2
     +-- 10.9.0.0/24 2 0 2
        |-- 10.9.0.0
           /24 link UNICAST
Local:
  +-- 0.0.0.0/1 2 0 2
     +-- 10.0.0.0/8 3 0 5
        |-- 10.9.0.1
           /32 host LOCAL
        |-- 10.9.0.255
           /32 link BROADCAST
        |-- 10.99.0.0
           /16 host LOCAL
        |-- 10.255.0.1
           /32 host LOCAL
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
`;

const IF_INET6 = `fd000009000000000000000000000001 03 40 00 82      vh0
fe80000000000000bcf91cfffe4cec3a 03 40 20 c0      vh0
00000000000000000000000000000001 01 80 10 80       lo
`;

test('parseFibTrie: local routes only, single addresses and ranges', () => {
  const parsed = parseFibTrie(FIB_TRIE);
  expect(parsed.addresses).toEqual(['10.9.0.1', '10.255.0.1', '127.0.0.1']);
  expect(parsed.ranges.map((r) => r.text)).toEqual(['10.99.0.0/16', '127.0.0.0/8']);
});

test('parseIfInet6: every address, in canonical text', () => {
  expect(parseIfInet6(IF_INET6)).toEqual(['fd00:9::1', 'fe80::bcf9:1cff:fe4c:ec3a', '::1']);
});

test('hostAddressSet leaves out what the filter refuses anyway, and compares IPv4 as IPv4', () => {
  const set = hostAddressSet(['10.9.0.1', '127.0.0.1', '::1', 'fe80::1', '169.254.3.4', 'fd00:9::1', '::ffff:10.1.2.3', 'nonsense'], [cidr('10.99.0.0/16'), cidr('127.0.0.0/8')]);
  expect([...set.addresses].sort()).toEqual(['10.1.2.3', '10.9.0.1', 'fd00:9::1']);
  expect(set.ranges.map((r) => r.text)).toEqual(['10.99.0.0/16']);
});

test('readHostAddresses reads this host without failing', () => {
  const host = readHostAddresses();
  expect(host.addresses.has('127.0.0.1')).toBe(false);
  expect(host.ranges.every((r) => r.bits <= 32)).toBe(true);
});

test('hostAddressReader parses again only when what it reads changed: the same object while the host stays as it is', () => {
  const read = hostAddressReader();
  const first = read();
  expect(read()).toBe(first);
  expect([...first.addresses].sort()).toEqual([...readHostAddresses().addresses].sort());
});

describe('followHostAddresses', () => {
  const hosts = (...addresses: string[]): HostAddresses => ({ addresses: new Set(addresses), ranges: [] });

  test('reads once per synchronous run: once per commit, however many endpoints it checks', async () => {
    let reads = 0;
    let now = hosts('10.0.0.1');
    const follower = followHostAddresses({ logger: captureLogs().logger, onChange: () => undefined, read: () => (reads++, now), pollMs: 60_000 });
    try {
      reads = 0;
      now = hosts('10.0.0.2');
      expect([...follower.current().addresses]).toEqual(['10.0.0.2']);
      now = hosts('10.0.0.3');
      for (let i = 0; i < 100; i++) expect([...follower.current().addresses]).toEqual(['10.0.0.2']);
      expect(reads).toBe(1);
      await Promise.resolve();
      expect([...follower.current().addresses]).toEqual(['10.0.0.3']);
      expect(reads).toBe(2);
    } finally {
      follower.stop();
    }
  });

  test('asks for a commit when the addresses change between commits, and not otherwise', async () => {
    const { logger, logs } = captureLogs();
    let now = hosts('10.0.0.1');
    let reads = 0;
    let changes = 0;
    let onRead: () => void = () => undefined;
    let onChange: () => void = () => undefined;
    const follower = followHostAddresses({
      logger,
      onChange: () => (changes++, onChange()),
      read: () => (reads++, onRead(), now),
      pollMs: 5,
    });
    try {
      // The first read was at the start: three polls later, nothing new has asked for nothing.
      await new Promise<void>((resolve) => (onRead = () => reads === 4 && resolve()));
      expect(changes).toBe(0);
      const asked = new Promise<void>((resolve) => (onChange = resolve));
      now = hosts('10.0.0.1', '10.0.0.9');
      await asked;
      expect(changes).toBe(1);
      expect([...follower.current().addresses]).toEqual(['10.0.0.1', '10.0.0.9']);
      expect(logs.map((r) => r.msg)).toEqual([
        "endpoints from the API at this host's addresses are refused: 10.0.0.1",
        'host addresses changed: added 10.0.0.9; removed none',
      ]);
    } finally {
      follower.stop();
    }
  });
});
