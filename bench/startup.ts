/**
 * Startup benchmark of the built binary: `--version`, and time from spawn to
 * the first request answered through haproxy on the example manifests.
 * Run with `bun run bench:startup` after `bun run build`; prints a Markdown
 * table for BENCHMARKS.md.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePortPair } from '../test/support/net.ts';

const root = resolve(import.meta.dir, '..');
const binary = join(root, 'dist/router');
const RUNS = Number(process.env.RUNS ?? 20);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function summary(name: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `| ${name} | ${s.length} | ${mean.toFixed(1)} | ${percentile(s, 50).toFixed(1)} | ${percentile(s, 99).toFixed(1)} |`;
}

async function versionOnce(): Promise<number> {
  const start = performance.now();
  const p = Bun.spawn([binary, '--version'], { stdout: 'ignore', stderr: 'ignore' });
  await p.exited;
  return performance.now() - start;
}

/** Spawn -> first 503/200 answered by haproxy on the HTTP port (the router is serving). */
async function readyOnce(): Promise<{ ready: number; firstAnswer: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'rb-'));
  const [port, httpsPort] = await freePortPair();
  const start = performance.now();
  const proc = Bun.spawn(
    [binary, '--manifests', join(root, 'examples/manifests'), '--working-dir', dir, '--bind-address', '127.0.0.1', '--http-port', String(port), '--https-port', String(httpsPort), '--log-format', 'json'],
    // Stopped right after each run: no graceful delay to sit through.
    { stdout: 'pipe', stderr: 'ignore', env: { ...process.env, ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' } },
  );
  try {
    const reader = proc.stdout.getReader();
    let text = '';
    while (!text.includes('router ready')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('router exited before ready');
      text += new TextDecoder().decode(value);
    }
    const ready = performance.now() - start;
    const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { Host: 'nobody.example.com' } });
    await res.arrayBuffer();
    return { ready, firstAnswer: performance.now() - start };
  } finally {
    proc.kill('SIGTERM');
    await proc.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const version: number[] = [];
for (let i = 0; i < RUNS; i++) version.push(await versionOnce());
const ready: number[] = [];
const answer: number[] = [];
for (let i = 0; i < Math.max(5, RUNS / 2); i++) {
  const r = await readyOnce();
  ready.push(r.ready);
  answer.push(r.firstAnswer);
}
console.log('| measurement (ms) | runs | mean | p50 | p99 |');
console.log('|---|---|---|---|---|');
console.log(summary('`dist/router --version`', version));
console.log(summary('spawn -> "router ready" logged', ready));
console.log(summary('spawn -> first answer through haproxy', answer));
