/**
 * What access logs cost: requests/s through dist/router with access logs off
 * (upstream's default level, warning) and on (ROUTER_LOG_LEVEL=info, JSON
 * records on the router's stdout, written to a file as journald would take
 * them), measured with wrk against one route to a loopback backend, in
 * alternating rounds. Also counts the access records written against the
 * requests made: haproxy drops a line rather than wait when the router falls
 * behind. Run with `bun run bench:access-log` after `bun run build` (needs
 * wrk); prints a Markdown table for BENCHMARKS.md.
 * ROUNDS (default 3), DURATION (wrk -d, default 10s), CONNECTIONS (default 32),
 * ROUTER_BINARY (default dist/router: another build to compare).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { routeYaml, sliceYaml } from '../test/support/manifests.ts';
import { freePortPair } from '../test/support/net.ts';
import { haproxyPidsUsing } from '../test/support/processes.ts';

const root = resolve(import.meta.dir, '..');
const binary = resolve(process.env.ROUTER_BINARY ?? join(root, 'dist/router'));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = process.env.DURATION ?? '10s';
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);

const backend = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('ok\n') });
const dir = mkdtempSync('/tmp/rbal-');
const manifests = join(dir, 'm');
mkdirSync(manifests);
writeFileSync(join(manifests, 'web.yaml'), `${routeYaml({ name: 'web', host: 'web.example.com' })}---\n${sliceYaml({ service: 'web', ports: [backend.port as number] })}`);

interface Round {
  requestsPerSecond: number;
  requests: number;
  accessRecords: number;
  /** CPU seconds the router and haproxy (master and workers) used while wrk ran. */
  routerCpu: number;
  haproxyCpu: number;
}

async function round(logs: boolean, n: number): Promise<Round> {
  const run = join(dir, `${logs ? 'on' : 'off'}-${n}`);
  mkdirSync(run);
  const logFile = join(run, 'router.log');
  const [port, httpsPort] = await freePortPair();
  const proc = Bun.spawn(
    [binary, `--manifests=${manifests}`, `--working-dir=${join(run, 'w')}`, '--bind-address=127.0.0.1', `--http-port=${port}`, `--https-port=${httpsPort}`, '--log-format=json'],
    {
      stdout: Bun.file(logFile),
      stderr: 'inherit',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s', ...(logs ? { ROUTER_LOG_LEVEL: 'info' } : {}) },
    },
  );
  try {
    while (!readFileSync(logFile, 'utf8').includes('router ready')) {
      if (proc.exitCode !== null) throw new Error(`router exited (${proc.exitCode})`);
      await Bun.sleep(50);
    }
    // Not spawnSync: the backend answers from this process's event loop.
    const wrk = Bun.spawn(['wrk', '-t1', `-c${CONNECTIONS}`, `-d${DURATION}`, '-H', 'Host: web.example.com', `http://127.0.0.1:${port}/`], { stdout: 'pipe' });
    const pids = [proc.pid, ...haproxyPidsUsing(join(run, 'w', 'run'))];
    const cpuBefore = cpuSeconds(pids);
    const out = await new Response(wrk.stdout).text();
    const cpuAfter = cpuSeconds(pids);
    const [routerCpu = 0, ...haproxyCpu] = cpuAfter.map((after, i) => after - (cpuBefore[i] ?? 0));
    const requestsPerSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
    if (!requestsPerSecond || !requests) throw new Error(`cannot read wrk's output:\n${out}`);
    proc.kill('SIGTERM');
    await proc.exited;
    const accessRecords = readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"tag":"access"')).length;
    return { requestsPerSecond, requests, accessRecords, routerCpu, haproxyCpu: haproxyCpu.reduce((a, b) => a + b, 0) };
  } finally {
    // A router killed leaves its haproxy serving (by design): that goes too.
    if (proc.exitCode === null) proc.kill('SIGKILL');
    for (const pid of haproxyPidsUsing(join(run, 'w', 'run'))) process.kill(pid, 'SIGKILL');
  }
}

function cpuSeconds(pids: number[]): number[] {
  return pids.map((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

try {
  const off: Round[] = [];
  const on: Round[] = [];
  for (let n = 0; n < ROUNDS; n++) {
    off.push(await round(false, n));
    on.push(await round(true, n));
  }
  const rps = (rounds: Round[]) => median(rounds.map((r) => r.requestsPerSecond));
  const perRound = (rounds: Round[], f: (r: Round) => string) => rounds.map(f).join(', ');
  /** CPU microseconds per request, the rounds together. */
  const perRequest = (rounds: Round[], cpu: (r: Round) => number) =>
    ((rounds.reduce((a, r) => a + cpu(r), 0) / rounds.reduce((a, r) => a + r.requests, 0)) * 1e6).toFixed(1);
  const row = (name: string, rounds: Round[]) =>
    `| ${name} | ${rps(rounds).toFixed(0)} | ${perRound(rounds, (r) => r.requestsPerSecond.toFixed(0))} | ${perRequest(rounds, (r) => r.routerCpu)} | ${perRequest(rounds, (r) => r.haproxyCpu)} | ${perRound(rounds, (r) => `${r.accessRecords}/${r.requests}`)} |`;
  console.log('| access logs | requests/s, median | requests/s by round | router CPU µs/request | haproxy CPU µs/request | access records / requests by round |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('off (ROUTER_LOG_LEVEL=warning)', off));
  console.log(row('on (ROUTER_LOG_LEVEL=info, --log-format=json)', on));
  console.log(`\non / off, median requests/s: ${(rps(on) / rps(off)).toFixed(3)} (${ROUNDS} rounds of wrk -t1 -c${CONNECTIONS} -d${DURATION} each, alternating)`);
} finally {
  await backend.stop(true);
  rmSync(dir, { recursive: true, force: true });
}
