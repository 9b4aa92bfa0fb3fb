import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { NO_HOST_ADDRESSES, type EndpointPolicy, type HostAddresses } from '../config/endpoint-address.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { apiEndpointFilter, loggingFilter, trustedEndpointFilter } from './endpoint-filter.ts';

const STRICT: EndpointPolicy = { allowLoopback: false, allowHost: false, cidrs: [] };
const SYNTAX = 'not an IP address as haproxy reads it (IPv4: four decimal octets without leading zeros; no zone IDs or spaces)';

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

test("the API filter judges an address once for as long as the host's addresses stay the same snapshot", () => {
  const { logger } = captureLogs();
  const looked: string[] = [];
  const counting = (addresses: string[]): HostAddresses => {
    const set = new Set(addresses);
    return { addresses: { has: (a: string) => (looked.push(a), set.has(a)) } as ReadonlySet<string>, ranges: [] };
  };
  let host = counting([]);
  const allow = apiEndpointFilter({ policy: STRICT, host: () => host, logger });
  for (let route = 0; route < 3; route++) {
    expect(allow('10.0.0.1', slice(`s${route}`, []))).toBe(true);
    expect(allow('10.0.0.2', slice(`s${route}`, []))).toBe(true);
  }
  expect(looked).toEqual(['10.0.0.1', '10.0.0.2']);
  host = counting(['10.0.0.2']);
  expect(allow('10.0.0.2', slice('s0', []))).toBe(false);
  expect(allow('10.0.0.2', slice('s1', []))).toBe(false);
  expect(looked).toEqual(['10.0.0.1', '10.0.0.2', '10.0.0.2']);
});
