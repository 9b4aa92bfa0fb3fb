/**
 * A first start against routes without this router's status, and the status
 * backlog that follows (issue #12): the built dist/router on the scale
 * bench's mix and fake API server, without pod processes (the first answer
 * is haproxy's 503 for an unknown host). Prints one JSON line: time and
 * router CPU (user + system, every thread; per thread at the first answer)
 * to the first answer, a route created once 200 status writes have reached
 * the API server timed until it answers, and time and CPU until every route
 * carries the router's status.
 *   bun run build && N=10000 bun bench/start-backlog.ts
 * Every process it starts is killed by PID at the end.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { routeObject, serviceObject, sliceObject } from '../test/support/kube-harness.ts';
import { installExitHandlers } from './scale/children.ts';
import { makeMixCertificates, startCluster } from './scale/cluster.ts';
import { podlessMix } from './scale/mix.ts';
import { cpuSeconds, loadAverage } from './scale/proc-stats.ts';
import { startRouter, untilListening } from './scale/router-run.ts';

const N = Number(process.env.N ?? 10000);
const ADD_AFTER_WRITES = 200;

/** CPU seconds of each of the process's threads over 50 ms, by thread name. */
function threadCpu(pid: number): [string, number][] {
  return readdirSync(`/proc/${pid}/task`)
    .map((tid): [string, number] => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), (Number(fields[11]) + Number(fields[12])) / 100];
    })
    .filter(([, s]) => s >= 0.05)
    .sort((a, b) => b[1] - a[1]);
}

installExitHandlers();
const mix = podlessMix(N);
const cluster = await startCluster();
await cluster.api.loadMix(mix, makeMixCertificates().certs);
const late = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('late') });
const dir = mkdtempSync(join(tmpdir(), 'start-backlog-'));
const loadBefore = loadAverage();
const run = await startRouter({ api: cluster.access, dir, limitPrefix: [], extraArgs: ['--loglevel=debug'] });
try {
  const firstAnswerMs = await untilListening(run, 600_000);
  if (firstAnswerMs === undefined) throw new Error('the router never answered');
  const cpuAtFirstAnswerS = cpuSeconds(run.proc.pid);
  const threadsAtFirstAnswer = threadCpu(run.proc.pid);
  while ((await cluster.api.statusWrites()) < ADD_AFTER_WRITES) await Bun.sleep(20);
  const addedAt = performance.now();
  await Promise.all([
    cluster.api.create(serviceObject('late')),
    cluster.api.create(sliceObject({ service: 'late', port: Number(late.port) })),
    cluster.api.create(routeObject({ name: 'late', host: 'late.example.com' })),
  ]);
  let routeAddedDuringBacklogMs: number | undefined;
  while (routeAddedDuringBacklogMs === undefined && performance.now() - addedAt < 60_000) {
    const answer = await fetch(`http://127.0.0.1:${run.ports.http}/`, { headers: { Host: 'late.example.com' } }).then((r) => r.text(), () => '');
    if (answer === 'late') routeAddedDuringBacklogMs = performance.now() - addedAt;
    else await Bun.sleep(5);
  }
  while ((await cluster.api.statusWrites()) < N) await Bun.sleep(200);
  console.log(
    JSON.stringify({
      routes: N,
      loadBefore,
      loadAfter: loadAverage(),
      firstAnswerMs: Math.round(firstAnswerMs),
      cpuAtFirstAnswerS,
      threadsAtFirstAnswer,
      routeAddedDuringBacklogMs: routeAddedDuringBacklogMs && Math.round(routeAddedDuringBacklogMs),
      allStatusWrittenMs: Math.round(performance.now() - run.spawnedAt),
      cpuAtAllStatusWrittenS: cpuSeconds(run.proc.pid),
    }),
  );
} finally {
  await run.stop();
  await late.stop(true);
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
