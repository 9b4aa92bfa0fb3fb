import { describe, expect, test } from 'bun:test';
import { isLoopbackHost, parseListenAddress } from './stats-listen.ts';

describe('parseListenAddress', () => {
  test.each([
    ['127.0.0.1:1936', { host: '127.0.0.1', port: 1936 }],
    [':1936', { host: '', port: 1936 }],
    ['0.0.0.0:1936', { host: '0.0.0.0', port: 1936 }],
    ['[::1]:1936', { host: '::1', port: 1936 }],
    ['[::]:1936', { host: '::', port: 1936 }],
    ['[FD00:0::1]:80', { host: 'fd00::1', port: 80 }],
    ['localhost:9000', { host: '127.0.0.1', port: 9000 }],
  ])('%s', (text, address) => {
    expect(parseListenAddress(text)).toEqual({ ok: true, address });
  });

  test.each(['1936', '127.0.0.1', '::1:1936', '[127.0.0.1]:80', '010.0.0.1:80', 'host.example:80', '127.0.0.1:65536', '127.0.0.1:-1', '[::1]'])('%s is refused', (text) => {
    expect(parseListenAddress(text).ok).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.9.8.7', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['', false],
    ['0.0.0.0', false],
    ['::', false],
    ['192.0.2.1', false],
    ['128.0.0.1', false],
  ])('%j: %p', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
