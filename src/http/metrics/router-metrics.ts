/**
 * The router's own metrics, kept by prom-client from every commit's
 * outcome: openshift-router's template_router_* (reload and write times,
 * the last reload's failure), and what this router adds: reloads by reason,
 * runtime updates and their commands, routes admitted and rejected, and
 * how long a change takes from its source to haproxy.
 */
import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';
import type { CommitObserver } from '../../commit/outcome.ts';
import { reasonCodes } from '../../plan/reload-reasons.ts';
import { commitLatencyTracker } from './commit-latency.ts';

/** From a runtime update (about a millisecond) to reloads that wait for --interval. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface RouterMetrics {
  readonly registry: Registry;
  readonly observe: CommitObserver;
}

export function routerMetrics(now: () => number = Date.now): RouterMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Summaries without quantiles, as client_golang's default: a sum and a count.
  const reloadSeconds = new Summary({ name: 'template_router_reload_seconds', help: 'Measures the time spent reloading the router in seconds.', percentiles: [], registers });
  const reloadFailure = new Gauge({ name: 'template_router_reload_failure', help: 'Metric to track the status of the most recent HAProxy reload', registers });
  const writeSeconds = new Summary({
    name: 'template_router_write_config_seconds',
    help: 'Measures the time spent writing out the router configuration to disk in seconds (and checking it with haproxy -c).',
    percentiles: [],
    registers,
  });
  const reloads = new Counter({ name: 'router_reloads_total', help: 'Reloads of a running haproxy, once per reason each names.', labelNames: ['reason'], registers });
  const commits = new Counter({ name: 'router_commits_total', help: 'Commits, by what they did.', labelNames: ['result'], registers });
  const updates = new Counter({
    name: 'router_runtime_updates_total',
    help: 'Changes sent through the runtime API: applied, or failed (then reloaded instead).',
    labelNames: ['result'],
    registers,
  });
  const commands = new Counter({
    name: 'router_runtime_commands_total',
    help: 'Runtime API commands sent, by kind and by the result of the update they were part of.',
    labelNames: ['kind', 'result'],
    registers,
  });
  const admitted = new Gauge({ name: 'router_routes_admitted', help: 'Routes served.', registers });
  const rejected = new Gauge({ name: 'router_routes_rejected', help: 'Routes not served, by reason.', labelNames: ['reason'], registers });
  const latency = new Histogram({
    name: 'router_commit_latency_seconds',
    help: 'From a source event received to haproxy having the change (runtime API reply, or reload confirmed), by how it was applied.',
    labelNames: ['applied_by'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  collectDefaultMetrics({ register: registry });
  // Only process_* (as upstream's): under Bun the nodejs_* ones measure Node's runtime, or nothing (the event-loop lag is NaN).
  for (const metric of registry.getMetricsAsArray()) if (metric.name.startsWith('nodejs_')) registry.removeSingleMetric(metric.name);
  const trackLatency = commitLatencyTracker(now);

  const observe: CommitObserver = (outcome) => {
    commits.inc({ result: outcome.result });
    const load = outcome.load;
    if (load && load.kind !== 'pending') {
      reloadSeconds.observe(load.loadMs / 1000);
      writeSeconds.observe(load.checkMs / 1000);
      reloadFailure.set(load.kind === 'failed' ? 1 : 0);
      if (load.kind !== 'started') for (const reason of reasonCodes(outcome.reloadReasons ?? [])) reloads.inc({ reason });
    }
    if (outcome.runtime) {
      const result = outcome.runtime.failure === undefined ? 'applied' : 'failed';
      updates.inc({ result });
      for (const [kind, n] of outcome.runtime.kinds) commands.inc({ kind, result }, n);
    }
    admitted.set(outcome.admitted.size);
    const byReason = new Map<string, number>();
    for (const r of outcome.rejections.values()) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
    rejected.reset();
    for (const [reason, n] of byReason) rejected.set({ reason }, n);
    const applied = trackLatency(outcome);
    if (applied) latency.observe({ applied_by: applied.appliedBy }, applied.seconds);
  };
  return { registry, observe };
}
