/**
 * Many routes over shared pods, health checks on, under an open-file limit:
 * the built binary on ROUTES routes, each to its own service whose slice
 * holds ENDPOINTS of PODS pods (loopback ports this process listens on),
 * started under `prlimit --nofile=LIMIT`. Measures spawn -> "router ready",
 * spawn -> every sampled route answering, the router's and the haproxy
 * worker's RSS, and what haproxy reserved (maxconn, Maxsock, check slots).
 *   bun run build && ROUTES=50000 PODS=5000 bun run bench:checks
 * (ROUTES=10000 PODS=2000 ENDPOINTS=2 LIMIT=20000 by default; ROUTER_BIN runs
 * another build, e.g. a previous one, on the same routes.) Prints
 * Markdown for BENCHMARKS.md. Loopback only; everything is stopped by PID.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isCheckBackendName } from '../src/domain/names.ts';
import { createRuntimeClient } from '../src/haproxy/runtime-api/runtime-client.ts';
import { socketCommand } from '../src/haproxy/runtime-api/socket-command.ts';
import { freePortPair, get } from '../test/support/net.ts';
import { haproxyPidsUsing } from '../test/support/processes.ts';

const ROUTES = Number(process.env.ROUTES ?? 10_000);
const PODS = Number(process.env.PODS ?? 2000);
const ENDPOINTS = Number(process.env.ENDPOINTS ?? 2);
const LIMIT = Number(process.env.LIMIT ?? 20_000);
const SAMPLE = 200;
const binary = process.env.ROUTER_BIN ?? join(resolve(import.meta.dir, '..'), 'dist/router');

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

const pods = Array.from({ length: PODS }, (_, i) =>
  Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response(`pod ${i}\n`, { headers: { 'x-backend': `pod${i}` } }) }),
);
const dir = mkdtempSync(join(tmpdir(), 'bench-checks-'));
const manifests = join(dir, 'm');
mkdirSync(manifests);
for (let file = 0; file * 1000 < ROUTES; file++) {
  const docs: string[] = [];
  for (let i = file * 1000; i < Math.min(ROUTES, (file + 1) * 1000); i++) {
    // Spread so that every pod serves ROUTES * ENDPOINTS / PODS routes, and routes sharing one pod differ in the other.
    const ports = Array.from({ length: ENDPOINTS }, (_, k) => pods[(i + k * Math.floor(PODS / ENDPOINTS + 1)) % PODS]?.port ?? 0);
    docs.push(
      JSON.stringify({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: `r${i}`, namespace: 'bench' }, spec: { host: `r${i}.bench.example.com`, to: { kind: 'Service', name: `s${i}` } } }),
      JSON.stringify({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `s${i}-1`, namespace: 'bench', labels: { 'kubernetes.io/service-name': `s${i}` } },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        ports: ports.map((port, k) => ({ name: `p${k}`, port, protocol: 'TCP' })),
      }),
    );
  }
  writeFileSync(join(manifests, `routes-${file}.yaml`), docs.join('\n---\n'));
}

const [httpPort, httpsPort] = await freePortPair();
const workingDir = join(dir, 'w');
const started = performance.now();
const proc = Bun.spawn(
  [
    ...['prlimit', `--nofile=${LIMIT}:${LIMIT}`, '--', binary],
    `--manifests=${manifests}`,
    `--working-dir=${workingDir}`,
    '--bind-address=127.0.0.1',
    `--http-port=${httpPort}`,
    `--https-port=${httpsPort}`,
    '--log-format=json',
  ],
  { stdout: 'pipe', stderr: 'ignore', env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' } },
);
try {
  const reader = proc.stdout.getReader();
  let text = '';
  while (!text.includes('router ready')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`router exited before ready:\n${text.slice(-2000)}`);
    text += new TextDecoder().decode(value);
  }
  const ready = performance.now() - started;
  const sample = Array.from({ length: SAMPLE }, (_, k) => Math.floor((k * ROUTES) / SAMPLE));
  for (let pending = sample; pending.length > 0; ) {
    const answers = await Promise.all(pending.map((i) => get(httpPort, `r${i}.bench.example.com`)));
    pending = pending.filter((_, k) => answers[k]?.status !== 200);
  }
  const served = performance.now() - started;
  const socket = join(workingDir, 'run', 'haproxy.sock');
  const info = await socketCommand(socket, 'show info');
  const field = (name: string) => /^(\w+): (.*)$/m.exec(info.split('\n').find((l) => l.startsWith(`${name}:`)) ?? '')?.[2] ?? '?';
  const checks = (await createRuntimeClient(socket).showServersState()).filter((s) => isCheckBackendName(s.backend));
  const worker = Number(field('Pid'));
  console.log(`${ROUTES} routes x ${ENDPOINTS} endpoints over ${PODS} pods, open-file limit ${LIMIT}, checks every 5 s (${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| measurement | value |');
  console.log('|---|---|');
  console.log(`| spawn -> "router ready" | ${(ready / 1000).toFixed(1)} s |`);
  console.log(`| spawn -> ${SAMPLE} sampled routes all answer 200 | ${(served / 1000).toFixed(1)} s |`);
  console.log(`| router RSS / haproxy worker RSS | ${rssMiB(proc.pid).toFixed(0)} / ${rssMiB(worker).toFixed(0)} MiB |`);
  console.log(`| haproxy maxconn / Maxsock | ${field('Maxconn')} / ${field('Maxsock')} |`);
  console.log(`| check slots: checking a pod (up) / free | ${checks.filter((c) => c.adminState === 0).length} (${checks.filter((c) => c.adminState === 0 && c.operState === 2).length}) / ${checks.filter((c) => c.adminState !== 0).length} |`);
} finally {
  proc.kill('SIGTERM');
  await proc.exited;
  for (const pid of haproxyPidsUsing(join(workingDir, 'run'))) process.kill(pid, 'SIGKILL');
  for (const p of pods) p.stop(true);
  rmSync(dir, { recursive: true, force: true });
}
