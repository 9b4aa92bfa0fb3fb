import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../../test/support/log-capture.ts';
import { parseExposition } from '../../../test/support/prometheus.ts';
import { SHOW_STAT_2_6 } from '../../../test/support/show-stat-sample.ts';
import { HaproxyStats } from './haproxy-stats.ts';

function setup(read: () => Promise<string>, maxConnections?: () => number | undefined) {
  const clock = { now: 0 };
  let reads = 0;
  const stats = new HaproxyStats({
    read: () => {
      reads++;
      return read();
    },
    scrape: { timeoutMs: 1000, baseIntervalMs: 5000, serverThreshold: 500, columns: [4, 17] },
    routeOf: () => () => undefined,
    ...(maxConnections ? { maxConnections } : {}),
    logger: captureLogs().logger,
    now: () => clock.now,
  });
  return { stats, clock, reads: () => reads };
}

const value = (text: string, name: string) => parseExposition(text).get(name)?.samples[0]?.value;

describe('HaproxyStats', () => {
  test('reads show stat at most once per interval: (rows / 1000 + 1) x the base', async () => {
    const { stats, clock, reads } = setup(async () => SHOW_STAT_2_6);
    const first = await stats.metrics();
    expect(value(first, 'haproxy_up')).toBe('1');
    expect(value(first, 'haproxy_exporter_scrape_interval')).toBe('5.015');
    clock.now = 5014;
    expect(await stats.metrics()).toBe(first);
    expect(reads()).toBe(1);
    clock.now = 5015;
    expect(value(await stats.metrics(), 'haproxy_exporter_total_scrapes')).toBe('2');
    expect(reads()).toBe(2);
  });

  test('scrapes that arrive while a reading runs share it', async () => {
    let release: (s: string) => void = () => {};
    const { stats, reads } = setup(() => new Promise((resolve) => (release = resolve)));
    const both = Promise.all([stats.metrics(), stats.metrics()]);
    release(SHOW_STAT_2_6);
    const [a, b] = await both;
    expect(a).toBe(b);
    expect(reads()).toBe(1);
  });

  test("haproxy_max_connections: the running model's limit, which follows set maxconn global; the public frontend's before there is one", async () => {
    let limit: number | undefined;
    const { stats, clock } = setup(async () => SHOW_STAT_2_6, () => limit);
    expect(value(await stats.metrics(), 'haproxy_max_connections')).toBe('9985');
    limit = 2572;
    clock.now = 10_000;
    expect(value(await stats.metrics(), 'haproxy_max_connections')).toBe('2572');
  });

  test('haproxy not answering: haproxy_up 0 and no proxy metrics', async () => {
    const { stats } = setup(async () => {
      throw new Error('connect ENOENT');
    });
    const families = parseExposition(await stats.metrics());
    expect(families.get('haproxy_up')?.samples[0]?.value).toBe('0');
    expect([...families.keys()].filter((n) => /^haproxy_(frontend|backend|server)_/.test(n))).toEqual([]);
  });
});
