/**
 * What the rounds compare, all running at once over the same pods: routers
 * (dist/router on its own fake API server, with the same template and
 * options, only the routes differ) and the minimal one-backend haproxy. Each
 * says which process serves (whose CPU counts) and what wrk asks it for.
 */
import { join } from 'node:path';
import { errorMessage } from '../../src/errors.ts';
import { freePort } from '../../test/support/net.ts';
import { within } from '../scale/children.ts';
import { startCluster } from '../scale/cluster.ts';
import { startStandalone, writeReference } from '../scale/haproxy-alone.ts';
import { spread } from '../scale/measure-size.ts';
import { podNames, type Mix } from '../scale/mix.ts';
import type { MixCertificates } from '../scale/objects.ts';
import { untilServed } from '../scale/probe.ts';
import { haproxyProcesses, untilIdle } from '../scale/proc-stats.ts';
import { minimalConfig } from '../scale/reference-configs.ts';
import { logLines, masterReloads, startRouter, untilListening } from '../scale/router-run.ts';
import type { WrkTarget } from '../scale/wrk.ts';
import { targetsOf } from './targets.ts';

export interface Load {
  url: string;
  targets: WrkTarget[];
}

export interface Side {
  name: string;
  /** The process serving now (a router's newest haproxy worker), or undefined if none. */
  servingPid(): number | undefined;
  /** Reloads so far (a round across one is not a fair figure); 0 for haproxy alone. */
  reloads(): Promise<number>;
  http: Load;
  https?: Load;
  /** ms from spawn until a spread sample of its routes was served. */
  startedMs: number;
  stop(): Promise<void>;
}

export interface RouterSideInput {
  name: string;
  mix: Mix;
  certs: MixCertificates;
  dir: string;
  limitPrefix: string[];
  extraArgs: string[];
  binary?: string;
  perScheme: number;
  startTimeoutMs: number;
  log: (line: string) => void;
}

export async function startRouterSide(input: RouterSideInput): Promise<Side> {
  const cluster = await startCluster();
  await cluster.api.loadMix(input.mix, input.certs);
  const run = await startRouter({ api: cluster.access, dir: join(input.dir, input.name.replace(/[^a-z0-9]+/gi, '-')), limitPrefix: input.limitPrefix, extraArgs: input.extraArgs, binary: input.binary });
  const stop = async () => {
    await run.stop();
    await within('stopping the fake API server', 30_000, cluster.stop()).catch((err: unknown) => input.log(errorMessage(err)));
  };
  try {
    if ((await untilListening(run, input.startTimeoutMs)) === undefined) {
      const last = logLines(run, /"level":"(error|fatal)"|ALERT/).at(-1) ?? 'nothing logged';
      throw new Error(`${input.name}: did not serve: ${last.slice(0, 300)}`);
    }
    const sample = spread(input.mix.routes.filter((r) => r.kind !== 'passthrough'), 50);
    for (let i = 0; i < sample.length; i += 10) {
      const times = await Promise.all(sample.slice(i, i + 10).map((r) => untilServed(run.ports, r, podNames(r.service), run.spawnedAt, input.startTimeoutMs)));
      if (times.includes(undefined)) throw new Error(`${input.name}: a sampled route was not served`);
    }
    const startedMs = performance.now() - run.spawnedAt;
    // Status writes and the background check done, so the router does not share the CPU with the rounds.
    await untilIdle(run.proc.pid, input.startTimeoutMs);
    const targets = targetsOf(input.mix, input.perScheme);
    return {
      name: input.name,
      servingPid: () => haproxyProcesses(run.runDir).workers.at(-1),
      reloads: () => masterReloads(run),
      http: { url: `http://127.0.0.1:${run.ports.http}/`, targets: targets.http },
      https: { url: `https://127.0.0.1:${run.ports.https}/`, targets: targets.https },
      startedMs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The floor: one frontend, one backend, one server (the first HTTP pod), no lookup at all. */
export async function startMinimalSide(dir: string, pod: number, fdLimit: number, perScheme: number): Promise<Side> {
  const port = await freePort();
  const refDir = join(dir, 'minimal');
  const haproxy = await startStandalone(writeReference(refDir, minimalConfig(pod, { listenPort: port, fdLimit, dir: refDir })), port, 30_000);
  if (typeof haproxy.ready === 'string') throw new Error(`minimal haproxy: ${haproxy.ready}`);
  const targets = Array.from({ length: perScheme }, (_, i) => ({ host: `m${i}.bench.test`, prefix: '/' }));
  return {
    name: 'minimal haproxy',
    servingPid: () => haproxy.pid,
    reloads: async () => 0,
    http: { url: `http://127.0.0.1:${port}/`, targets },
    startedMs: haproxy.ready,
    stop: haproxy.stop,
  };
}
