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
 * WARMUP (wrk -d before the measured run of each round, both modes alike,
 * default 0s: a router that has just started still compiles its hot code),
 * ROUTER_BINARY (default dist/router: another build to compare). The backend
 * runs in a process of its own, so its CPU is counted apart; CPU per request
 * is given for every process (router, haproxy, backend, wrk), and the load
 * average at each round.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { routeYaml, sliceYaml } from '../test/support/manifests.ts';
import { freePortPair } from '../test/support/net.ts';
import { haproxyPidsUsing } from '../test/support/processes.ts';

const root = resolve(import.meta.dir, '..');
const binary = resolve(process.env.ROUTER_BINARY ?? join(root, 'dist/router'));
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = process.env.DURATION ?? '10s';
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const WARMUP = process.env.WARMUP ?? '0s';

const backendPort = (await freePortPair())[0];
const backend = Bun.spawn(['bun', '-e', `Bun.serve({ hostname: '127.0.0.1', port: ${backendPort}, fetch: () => new Response('ok\\n') }); console.log('up')`], {
  stdout: 'pipe',
  stderr: 'inherit',
});
await backend.stdout.getReader().read();
const dir = mkdtempSync(join(tmpdir(), 'rbal-'));
const manifests = join(dir, 'm');
mkdirSync(manifests);
writeFileSync(join(manifests, 'web.yaml'), `${routeYaml({ name: 'web', host: 'web.example.com' })}---\n${sliceYaml({ service: 'web', ports: [backendPort] })}`);

interface Round {
  requestsPerSecond: number;
  requests: number;
  accessRecords: number;
  /** CPU seconds each process (haproxy: master and workers) used while wrk ran. */
  routerCpu: number;
  haproxyCpu: number;
  backendCpu: number;
  wrkCpu: number;
  /** The 1-minute load average when wrk ended. */
  load: number;
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
    const wrkArgs = (duration: string) => ['wrk', '-t1', `-c${CONNECTIONS}`, `-d${duration}`, '-H', 'Host: web.example.com', `http://127.0.0.1:${port}/`];
    const records = () => readFileSync(logFile, 'utf8').split('\n').filter((l) => l.includes('"tag":"access"')).length;
    let warmupRecords = 0;
    if (WARMUP !== '0s') {
      await Bun.spawn(wrkArgs(WARMUP), { stdout: 'ignore' }).exited;
      // The warm-up's last records, read from the pipe within its period, are not the measured run's.
      await Bun.sleep(250);
      warmupRecords = records();
    }
    const wrk = Bun.spawn(wrkArgs(DURATION), { stdout: 'pipe' });
    const pids = [proc.pid, backend.pid, ...haproxyPidsUsing(join(run, 'w', 'run'))];
    const cpuBefore = cpuSeconds(pids);
    const out = await new Response(wrk.stdout).text();
    const cpuAfter = cpuSeconds(pids);
    await wrk.exited;
    const wrkCpu = Number(wrk.resourceUsage()?.cpuTime.total ?? 0) / 1e6;
    const [routerCpu = 0, backendCpu = 0, ...haproxyCpu] = cpuAfter.map((after, i) => after - (cpuBefore[i] ?? 0));
    const load = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
    const requestsPerSecond = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
    if (!requestsPerSecond || !requests) throw new Error(`cannot read wrk's output:\n${out}`);
    proc.kill('SIGTERM');
    await proc.exited;
    const accessRecords = records() - warmupRecords;
    return { requestsPerSecond, requests, accessRecords, routerCpu, haproxyCpu: haproxyCpu.reduce((a, b) => a + b, 0), backendCpu, wrkCpu, load };
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
    `| ${name} | ${rps(rounds).toFixed(0)} | ${perRound(rounds, (r) => r.requestsPerSecond.toFixed(0))} | ${perRequest(rounds, (r) => r.routerCpu)} | ${perRequest(rounds, (r) => r.haproxyCpu)} | ${perRequest(rounds, (r) => r.backendCpu)} | ${perRequest(rounds, (r) => r.wrkCpu)} | ${perRound(rounds, (r) => r.load.toFixed(1))} | ${perRound(rounds, (r) => `${r.accessRecords}/${r.requests}`)} |`;
  console.log(
    '| access logs | requests/s, median | requests/s by round | router CPU µs/request | haproxy CPU µs/request | backend CPU µs/request | wrk CPU µs/request | load average by round | access records / requests by round |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(row('off (ROUTER_LOG_LEVEL=warning)', off));
  console.log(row('on (ROUTER_LOG_LEVEL=info, --log-format=json)', on));
  const allCpu = (r: Round) => r.routerCpu + r.haproxyCpu + r.backendCpu + r.wrkCpu;
  console.log(`\non / off, median requests/s: ${(rps(on) / rps(off)).toFixed(3)} (${ROUNDS} rounds of wrk -t1 -c${CONNECTIONS} -d${DURATION} each, alternating, warm-up ${WARMUP})`);
  console.log(`off / on, CPU µs per request of all four processes: ${(Number(perRequest(off, allCpu)) / Number(perRequest(on, allCpu))).toFixed(3)}`);
} finally {
  backend.kill('SIGKILL');
  await backend.exited;
  rmSync(dir, { recursive: true, force: true });
}
