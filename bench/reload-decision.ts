/**
 * A reload's decision, in process (issue #12): the scale bench's mix
 * admitted and built once and taken as what the worker runs (spare pools
 * full), then, round after round, one route's balance changed (a change only
 * a reload can make) and the steps of the full commit that decides it timed:
 * the desired model from the indexes (`full`), its fit to the worker
 * (`fit`, of which its check slots `fitChecks`), and `planUpdate` (of which
 * `certs`, the crt-list's plan), and the spare pools of the model to load
 * (`pools`). Changes that arrive while a reload is
 * decided wait for these steps; when the reload is held back (--interval,
 * a namespace's budget), also for `subset`: what can go live meanwhile
 * (`runtimeSubset`) and its plan. Prints the medians of the rounds after
 * the first two, wall time in ms.
 *   N=100000 ROUNDS=10 bun bench/reload-decision.ts
 */
import { cachedTlsValidator } from '../src/admission/tls-cache.ts';
import type { Rejection } from '../src/admission/rejection.ts';
import type { Route } from '../src/domain/route.ts';
import { validateRouteTls } from '../src/tls/validate-route-tls.ts';
import { nextSparePools, withSparePools } from '../src/plan/spare-pools.ts';
import { fitToRunning } from '../src/plan/fit-to-running.ts';
import { checksOf, fitChecks } from '../src/plan/fit-checks.ts';
import { planUpdate, runtimeSubset } from '../src/plan/plan.ts';
import { planCertificates, runningCrtList } from '../src/plan/certificate-plan.ts';
import { loadedLineNumbers } from '../src/plan/crt-line-numbers.ts';
import { convertedMix, mixDesiredState } from './scale/converted-mix.ts';
import { loadAverage } from './scale/proc-stats.ts';

const N = Number(process.env.N ?? 10000);
const ROUNDS = Math.max(3, Number(process.env.ROUNDS ?? 10));

const { routes, slices, certs } = convertedMix(N);
const held = new Map<string, Rejection>();
const tls = cachedTlsValidator(validateRouteTls);
// Spare pools as the router keeps them by default (--blueprint-route-pool-size).
const desired = mixDesiredState(certs.route.cert, tls.validate, 10);
desired.update({ routes: { upserts: routes, removals: [] }, slices, held });
const first = desired.full(held).model;
const running = withSparePools(first, nextSparePools(undefined, first));

const STEPS = ['full', 'fit', 'fitChecks', 'planUpdate', 'certs', 'pools', 'subset'] as const;
const rounds: Record<(typeof STEPS)[number], number>[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const r = routes[(round * 7919) % routes.length] as Route;
  const changed: Route = { ...r, annotations: { ...r.annotations, 'haproxy.router.openshift.io/balance': round % 2 ? 'leastconn' : 'roundrobin' } };
  desired.update({ routes: { upserts: [changed], removals: [] }, slices: new Map(), held });
  Bun.gc(true);
  const t0 = performance.now();
  const model = desired.full(held).model;
  const t1 = performance.now();
  const fitted = fitToRunning(running, model);
  const t2 = performance.now();
  fitChecks(running.checks, fitted.backends, checksOf(model.checks));
  const t3 = performance.now();
  const lines = loadedLineNumbers(running.crtList);
  const update = planUpdate(running, fitted, lines);
  const t4 = performance.now();
  planCertificates(running, fitted, runningCrtList(running, lines));
  const t5 = performance.now();
  withSparePools(model, nextSparePools(running, model));
  const t6 = performance.now();
  const partial = runtimeSubset(running, fitted);
  planUpdate(running, partial, lines);
  const t7 = performance.now();
  if (update.kind !== 'reload') throw new Error(`a balance change planned ${update.kind}`);
  if (round >= 2) rounds.push({ full: t1 - t0, fit: t2 - t1, fitChecks: t3 - t2, planUpdate: t4 - t3, certs: t5 - t4, pools: t6 - t5, subset: t7 - t6 });
}
const median = (step: (typeof STEPS)[number]) => {
  const values = rounds.map((r) => r[step]).sort((a, b) => a - b);
  return Math.round(values[values.length >> 1] as number);
};
console.log(JSON.stringify({ routes: N, rounds: rounds.length, ...Object.fromEntries(STEPS.map((s) => [s, median(s)])), decision: median('full') + median('fit') + median('planUpdate') + median('pools'), load: loadAverage() }));
