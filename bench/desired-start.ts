/**
 * The router's own part of a first commit, in process (issue #12): the
 * scale bench's mix converted to domain objects once, then, round after
 * round, a fresh DesiredState takes every route and slice in (admission
 * and the desired index), builds the whole model (`full`) and a fresh
 * renderer renders it, as the first commit does. Prints the CPU time of each step
 * per round (this process's user + system: the JS thread, the collector
 * and the JIT), so a change to these steps can be measured on a loaded
 * machine, where wall times of whole starts spread too much.
 *   N=10000 ROUNDS=5 bun bench/desired-start.ts
 */
import { cachedTlsValidator } from '../src/admission/tls-cache.ts';
import type { Rejection } from '../src/admission/rejection.ts';
import { EMBEDDED_ASSETS } from '../src/config/embedded-assets.ts';
import { createRenderer } from '../src/config/render.ts';
import { validateRouteTls } from '../src/tls/validate-route-tls.ts';
import { convertedMix, mixDesiredState } from './scale/converted-mix.ts';
import { loadAverage } from './scale/proc-stats.ts';

const N = Number(process.env.N ?? 10000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const { routes, slices, certs } = convertedMix(N);

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const held = new Map<string, Rejection>();

for (let round = 0; round < ROUNDS; round++) {
  Bun.gc(true);
  const tls = cachedTlsValidator(validateRouteTls);
  const desired = mixDesiredState(certs.route.cert, tls.validate, 0);
  const t0 = cpuMs();
  const step = desired.update({ routes: { upserts: routes, removals: [] }, slices, held });
  tls.endPass();
  const t1 = cpuMs();
  const full = desired.full(held);
  const t2 = cpuMs();
  const files = createRenderer(EMBEDDED_ASSETS)(full.model);
  const t3 = cpuMs();
  console.log(
    JSON.stringify({
      routes: routes.length,
      slices: slices.size,
      round,
      admitted: full.admitted.length,
      contributions: step.change.routes.size,
      updateCpuMs: Math.round(t1 - t0),
      fullCpuMs: Math.round(t2 - t1),
      files: files.size,
      renderCpuMs: Math.round(t3 - t2),
      load: loadAverage(),
    }),
  );
}
