import { describe, expect, test } from 'bun:test';
import { apiEndpointFilter, restrictedAddress } from './endpoint-address.ts';

describe('restrictedAddress', () => {
  test.each([
    ['10.0.0.1', undefined],
    ['192.168.1.10', undefined],
    ['2001:db8::1', undefined],
    ['fd00::1', undefined],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['169.254.169.254', 'cloud metadata'],
    ['::ffff:169.254.169.254', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['100.100.100.200', 'cloud metadata'],
    ['::ffff:a83f:8110', 'cloud metadata'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['localhost', 'not an IP address'],
  ])('%s -> %p', (ip, reason) => expect(restrictedAddress(ip)).toBe(reason as string | undefined));
});

test('--allow-loopback-endpoints admits loopback and nothing else restricted', () => {
  const strict = apiEndpointFilter({ allowLoopback: false });
  const loose = apiEndpointFilter({ allowLoopback: true });
  expect(strict('127.0.0.1')).toBe(false);
  expect(loose('127.0.0.1')).toBe(true);
  expect(loose('::ffff:127.0.0.1')).toBe(true);
  expect(loose('169.254.169.254')).toBe(false);
  expect(loose('10.0.0.1')).toBe(true);
});
