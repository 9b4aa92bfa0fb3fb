import { afterAll, describe, expect, test } from 'bun:test';
import { DEFAULT_OPTIONS } from '../../test/support/router-options.ts';
import type { ListenOptions } from '../options.ts';
import { httpBackendCheck, proxyHttpBackendCheck, publicHealthUrl } from './probes.ts';

const listen = (more: Partial<ListenOptions>): ListenOptions => ({ ...DEFAULT_OPTIONS.listen, httpPort: 8080, ...more });

describe('publicHealthUrl: where this host reaches the public frontend', () => {
  test.each<[string, Partial<ListenOptions>, string]>([
    ['every IPv4 address', {}, 'http://127.0.0.1:8080/_______internal_router_healthz'],
    ['every address of both families', { ipMode: 'v4v6' }, 'http://127.0.0.1:8080/_______internal_router_healthz'],
    ['every IPv6 address only', { ipMode: 'v6' }, 'http://[::1]:8080/_______internal_router_healthz'],
    ['one address', { bindAddress: '::1', ipMode: 'v6' }, 'http://[::1]:8080/_______internal_router_healthz'],
  ])('%s', (_what, more, want) => {
    expect(publicHealthUrl(listen(more))).toBe(want);
  });
});

describe('proxyHttpBackendCheck (ROUTER_USE_PROXY_PROTOCOL)', () => {
  let received = '';
  let answer = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  const server = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      data(socket, data) {
        received += data.toString();
        if (received.includes('\r\n\r\n')) socket.end(answer);
      },
    },
  });
  afterAll(() => server.stop(true));
  const url = `http://127.0.0.1:${server.port}/_______internal_router_healthz`;

  test('sends a PROXY header before its GET, and passes on 2xx', async () => {
    received = '';
    expect(await proxyHttpBackendCheck(url).run()).toBeUndefined();
    expect(received).toBe(`PROXY UNKNOWN\r\nGET /_______internal_router_healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`);
  });

  test('fails on a 5xx, naming it', async () => {
    answer = 'HTTP/1.0 503 Service Unavailable\r\n\r\n';
    expect(await proxyHttpBackendCheck(url).run()).toBe(`${url} answered 503`);
  });

  test('fails when nothing listens', async () => {
    expect(await proxyHttpBackendCheck('http://127.0.0.1:1/').run()).toMatch(/\S/);
  });
});

describe('httpBackendCheck (ROUTER_BACKEND_CHECK_URL)', () => {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('no', { status: 503 }) });
  afterAll(() => server.stop(true));

  test('a failure names the URL without the user and password it carries: a single check answers anyone', async () => {
    const failure = await httpBackendCheck(`http://probe:S3cretTok@127.0.0.1:${server.port}/internal-probe`).run();
    expect(failure).toBe(`http://127.0.0.1:${server.port}/internal-probe answered 503`);
  });

  test('a probe that cannot connect does not name them either', async () => {
    const failure = await httpBackendCheck('http://probe:S3cretTok@127.0.0.1:1/internal-probe').run();
    expect(failure).toMatch(/\S/);
    expect(failure).not.toContain('S3cretTok');
  });
});
