import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { servedResources } from './discovery.ts';
import { pause } from './pause.ts';
import type { KubeTransport } from './transport.ts';

/** A transport answering `answers` in turn (a function that throws is a network failure); records how often it was asked. */
function answering(answers: (() => Response)[]) {
  let asked = 0;
  const transport: KubeTransport = {
    server: 'https://api.test',
    kubeFetch: (async (url: string) => {
      expect(url).toBe('https://api.test/apis/gateway.networking.k8s.io/v1');
      asked++;
      const next = answers.shift();
      if (!next) throw new Error('asked once too often');
      return next();
    }) as unknown as KubeTransport['kubeFetch'],
  };
  return { transport, asked: () => asked };
}

const served = () => Response.json({ kind: 'APIResourceList', resources: [{ name: 'gateways' }, { name: 'httproutes' }] });
const status = (code: number, headers: Record<string, string> = {}) => Response.json({ kind: 'Status', code }, { status: code, headers });

describe('servedResources', () => {
  test('what the server lists; a 404 is a group version it does not serve', async () => {
    const { logger, logs } = captureLogs();
    const opts = { logger, signal: new AbortController().signal, sleep: async () => {} };
    expect(await servedResources(answering([served]).transport, 'gateway.networking.k8s.io/v1', opts)).toEqual([{ name: 'gateways' }, { name: 'httproutes' }]);
    expect(await servedResources(answering([() => status(404)]).transport, 'gateway.networking.k8s.io/v1', opts)).toBeUndefined();
    expect(logs).toEqual([]);
  });

  test('any other failure is asked again (backoff, or the wait Retry-After names) until the server answers, logged once and once recovered', async () => {
    const { logger, logs } = captureLogs();
    const slept: number[] = [];
    const a = answering([
      () => status(503),
      () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:6443');
      },
      () => status(429, { 'Retry-After': '5' }),
      () => status(403),
      served,
    ]);
    const got = await servedResources(a.transport, 'gateway.networking.k8s.io/v1', { logger, backoff: { initialMs: 100, maxMs: 1000 }, signal: new AbortController().signal, sleep: async (ms) => slept.push(ms) });
    expect(got).toEqual([{ name: 'gateways' }, { name: 'httproutes' }]);
    expect(a.asked()).toBe(5);
    // The longer of the backoff and the server's wait: 5 s for the 429, the backoff still grown beneath it.
    expect(slept).toEqual([100, 200, 5000, 800]);
    expect(logs.map((r) => `${r.level} ${r.msg}`)).toEqual([
      'warn cannot discover gateway.networking.k8s.io/v1 on https://api.test: 503 Service Unavailable; retrying in 0.1s',
      'info discovering gateway.networking.k8s.io/v1 on https://api.test works again',
    ]);
  });

  test('a stopped source stops asking, and the discovery fails rather than reading as "not served"', async () => {
    const { logger } = captureLogs();
    const stopping = new AbortController();
    const a = answering([() => status(500), () => status(500)]);
    const asking = servedResources(a.transport, 'gateway.networking.k8s.io/v1', {
      logger,
      signal: stopping.signal,
      sleep: async () => stopping.abort(),
    });
    await expect(asking).rejects.toThrow('discovery of gateway.networking.k8s.io/v1 stopped before the API server answered');
    expect(a.asked()).toBe(1);
  });

  test('a stop ends the pause under way at once (the server asked for 30 s), and the discovery fails', async () => {
    const { logger } = captureLogs();
    const stopping = new AbortController();
    const paused = Promise.withResolvers<number>();
    const a = answering([() => status(503, { 'Retry-After': '30' }), () => status(500)]);
    const sleep = (ms: number, signal?: AbortSignal) => {
      paused.resolve(ms);
      return pause(ms, signal);
    };
    const asking = servedResources(a.transport, 'gateway.networking.k8s.io/v1', { logger, signal: stopping.signal, sleep });
    expect(await paused.promise).toBe(30_000);
    stopping.abort();
    await expect(asking).rejects.toThrow('discovery of gateway.networking.k8s.io/v1 stopped before the API server answered');
    expect(a.asked()).toBe(1);
  });
});
