import { describe, expect, test } from 'bun:test';
import { labelsAndValue, parseExposition } from '../../../test/support/prometheus.ts';
import { route, routeMap } from '../../../test/support/fixtures.ts';
import type { CommitOutcome } from '../../commit/outcome.ts';
import { routerMetrics } from './router-metrics.ts';

const outcome = (more: Partial<CommitOutcome>): CommitOutcome => ({ result: 'unchanged', routes: new Map(), admitted: new Map(), rejections: new Map(), notices: new Map(), durationMs: 1, ...more });
const admitted = routeMap(route({ name: 'a' }), route({ name: 'b' }));

describe('routerMetrics', () => {
  test("every commit's outcome is counted under upstream's and the router's names", async () => {
    let clock = 10_000;
    const metrics = routerMetrics(() => clock);
    metrics.observe(outcome({ result: 'started', eventsReceivedAt: 9_000, admitted, load: { kind: 'started', generation: 1, checkMs: 200, loadMs: 800 } }));
    metrics.observe(
      outcome({
        result: 'runtime',
        eventsReceivedAt: 9_990,
        admitted,
        rejections: new Map([
          ['ns/c', { reason: 'HostAlreadyClaimed', message: 'x' }],
          ['ns/d', { reason: 'HostAlreadyClaimed', message: 'y' }],
        ]),
        runtime: { commands: 3, kinds: new Map([['add-server', 2], ['add-map', 1]] as const) },
      }),
    );
    clock = 12_000;
    metrics.observe(
      outcome({
        result: 'reload-failed',
        reloadReasons: [{ code: 'settings-changed', backend: undefined }],
        runtime: { commands: 1, kinds: new Map([['set-weight', 1]] as const), failure: 'No such server.' },
        load: { kind: 'failed', generation: 3, message: 'boom', checkMs: 100, loadMs: 500 },
      }),
    );
    const families = parseExposition(await metrics.registry.metrics());
    const values = (name: string) => families.get(name)?.samples.filter((s) => !s.name.endsWith('_sum') && !s.name.endsWith('_bucket')).map((s) => [s.labels, s.value]);
    expect(families.get('template_router_reload_seconds')?.type).toBe('summary');
    expect(families.get('template_router_reload_seconds')?.samples.map((s) => [s.name, s.value])).toEqual([
      ['template_router_reload_seconds_sum', '1.3'],
      ['template_router_reload_seconds_count', '2'],
    ]);
    expect(families.get('template_router_write_config_seconds')?.type).toBe('summary');
    expect(values('template_router_reload_failure')).toEqual([[{}, '1']]);
    expect(values('router_reloads_total')).toEqual([[{ reason: 'settings-changed' }, '1']]);
    expect(values('router_runtime_updates_total')).toEqual([
      [{ result: 'applied' }, '1'],
      [{ result: 'failed' }, '1'],
    ]);
    expect(values('router_runtime_commands_total')).toEqual([
      [{ kind: 'add-server', result: 'applied' }, '2'],
      [{ kind: 'add-map', result: 'applied' }, '1'],
      [{ kind: 'set-weight', result: 'failed' }, '1'],
    ]);
    expect(values('router_routes_admitted')).toEqual([[{}, '0']]);
    expect(values('router_routes_rejected')).toEqual([]);
    expect(values('router_commits_total')).toEqual([
      [{ result: 'started' }, '1'],
      [{ result: 'runtime' }, '1'],
      [{ result: 'reload-failed' }, '1'],
    ]);
    expect(families.get('router_commit_latency_seconds')?.type).toBe('histogram');
    expect(values('router_commit_latency_seconds')).toEqual([
      [{ applied_by: 'reload' }, '1'],
      [{ applied_by: 'runtime' }, '1'],
    ]);
    expect(families.has('process_cpu_seconds_total')).toBe(true);
  });

  test('routes rejected are counted by reason in the last commit', async () => {
    const metrics = routerMetrics();
    metrics.observe(outcome({ admitted, rejections: new Map([['ns/c', { reason: 'HostAlreadyClaimed', message: 'x' }]]) }));
    const families = parseExposition(await metrics.registry.metrics());
    expect(families.get('router_routes_admitted')?.samples[0]?.value).toBe('2');
    expect(families.get('router_routes_rejected')?.samples.map(labelsAndValue)).toEqual([{ labels: { reason: 'HostAlreadyClaimed' }, value: '1' }]);
  });
});
