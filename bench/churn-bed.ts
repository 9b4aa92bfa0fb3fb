/**
 * What the in-process churn benches (bench:gateway, bench:ingress) share:
 * a testbed that stops its haproxy when interrupted, two Services `a` and
 * `b` with a pod each, and the Markdown row of a timed series.
 */
import { KubeTestbed, serviceObject, sliceObject } from '../test/support/kube-harness.ts';

export async function churnBed() {
  const bed = new KubeTestbed();
  // Interrupted (Ctrl-C, a timeout), the run still stops its haproxy.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bed.teardown().finally(() => process.exit(130)));
  const api = await bed.startApi();
  for (const name of ['a', 'b']) {
    api.server.create(serviceObject(name));
    api.server.create(sliceObject({ service: name, port: bed.startBackend(name).port }));
  }
  return { bed, api };
}

const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? Number.NaN;

/** `| what | n | p50 ms | p99 ms | max ms |` */
export function timedRow(what: string, xs: readonly number[]): string {
  return `| ${what} | ${xs.length} | ${percentile(xs, 50).toFixed(1)} | ${percentile(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`;
}

export const TIMED_HEADER = '| change | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|';
