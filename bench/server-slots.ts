/**
 * How a pod change reaches haproxy 2.6: `add server`/`del server` (what the
 * router does) against pre-declared `server-template` slots switched on and
 * off with `set server` (what openshift-router's dynamic config manager
 * does). Both run on the same haproxy with BACKENDS backends of one server
 * each; the slot variant declares SLOTS more per backend. Measures start
 * time, resident memory and the latency of one change, round trip included:
 *   bun run bench:slots      (BACKENDS=2000 SLOTS=8 CHANGES=200 by default)
 * Prints Markdown for BENCHMARKS.md. Loopback only; haproxy is stopped by PID.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketCommand } from '../src/haproxy/runtime-api/socket-command.ts';
import { freePort } from '../test/support/net.ts';

const BACKENDS = Number(process.env.BACKENDS ?? 2000);
const SLOTS = Number(process.env.SLOTS ?? 8);
const CHANGES = Number(process.env.CHANGES ?? 200);
const SERVER_OPTIONS = 'weight 1 check inter 5000ms';

interface Variant {
  name: string;
  /** Extra lines in every backend. */
  extra: (backend: number) => string[];
  /** The commands that bring pod `n` of `backend` in, and take it out again. */
  add: (backend: string, n: number, port: number) => string;
  remove: (backend: string, n: number) => string;
}

const variants: Variant[] = [
  {
    name: 'add server / del server',
    extra: () => [],
    add: (b, n, port) => `add server ${b}/pod${n} 127.0.0.1:${port} ${SERVER_OPTIONS}; enable health ${b}/pod${n}; enable server ${b}/pod${n}`,
    remove: (b, n) => `set server ${b}/pod${n} state maint; del server ${b}/pod${n}`,
  },
  {
    name: `server-template slots (${SLOTS} per backend)`,
    extra: () => [`  server-template slot 1-${SLOTS} 127.0.0.1:1 disabled ${SERVER_OPTIONS}`],
    add: (b, _n, port) => `set server ${b}/slot1 addr 127.0.0.1 port ${port}; set server ${b}/slot1 state ready`,
    remove: (b) => `set server ${b}/slot1 state maint`,
  },
];

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

function config(dir: string, variant: Variant, port: number, listenPort: number): string {
  const lines = [
    'global',
    `  stats socket ${join(dir, 'admin.sock')} level admin`,
    '  maxconn 1000',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend public',
    `  bind 127.0.0.1:${listenPort}`,
    '  default_backend be0',
  ];
  for (let i = 0; i < BACKENDS; i++) {
    lines.push(`backend be${i}`, '  balance random', '  hash-type consistent', `  server s0 127.0.0.1:${port} ${SERVER_OPTIONS}`, ...variant.extra(i));
  }
  return `${lines.join('\n')}\n`;
}

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return kb / 1024;
}

async function run(variant: Variant, pod: { port: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'rbs-'));
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, config(dir, variant, pod.port, await freePort()));
  const socket = join(dir, 'admin.sock');
  const start = performance.now();
  const haproxy = Bun.spawn(['haproxy', '-db', '-f', cfg], { stdout: 'ignore', stderr: 'pipe' });
  try {
    let ready = Number.NaN;
    for (let i = 0; i < 6000 && haproxy.exitCode === null; i++) {
      if ((await socketCommand(socket, 'show info', 1000).catch(() => '')).includes('Pid:')) {
        ready = performance.now() - start;
        break;
      }
      await Bun.sleep(5);
    }
    if (!Number.isFinite(ready)) {
      const alert = (await new Response(haproxy.stderr).text()).split('\n').find((l) => l.includes('[ALERT]'));
      return { failed: alert?.replace(/^\[ALERT\]\s+\(\d+\) : /, '') ?? 'no answer' };
    }
    const rss = rssMiB(haproxy.pid);
    const latency: number[] = [];
    for (let c = 0; c < CHANGES; c++) {
      const backend = `be${c % BACKENDS}`;
      const t0 = performance.now();
      const reply = await socketCommand(socket, variant.add(backend, c, pod.port));
      latency.push(performance.now() - t0);
      if (/error|unknown|not|can't/i.test(reply.replace('New server registered.', ''))) throw new Error(`${variant.name}: ${reply.trim()}`);
      await socketCommand(socket, variant.remove(backend, c));
    }
    return { ready, rss, latency };
  } finally {
    haproxy.kill('SIGKILL');
    await haproxy.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const pod = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('ok') });
try {
  console.log(`${BACKENDS} backends, ${CHANGES} changes each way`);
  console.log('| variant | start -> admin socket answers, ms | RSS after start, MiB | one change in, p50 ms | p99 ms |');
  console.log('|---|---|---|---|---|');
  for (const variant of variants) {
    const r = await run(variant, { port: pod.port as number });
    if ('failed' in r) {
      console.log(`| ${variant.name} | does not start: ${r.failed} | | | |`);
      continue;
    }
    console.log(`| ${variant.name} | ${r.ready.toFixed(0)} | ${r.rss.toFixed(0)} | ${percentile(r.latency, 50).toFixed(2)} | ${percentile(r.latency, 99).toFixed(2)} |`);
  }
} finally {
  pod.stop(true);
}
