/**
 * What server weights cost haproxy 2.6 at load: `haproxy -c` time and peak
 * memory for BACKENDS backends of two servers, per balance algorithm and
 * weights. Hash-based balancing (random, the router's default, and source)
 * builds 16 tree nodes per unit of weight for every server; roundrobin and
 * leastconn cost the same whatever the weights.
 *   bun run bench:balance      (BACKENDS=10000 by default)
 * The weighted route: two services, route weights 60 and 40, one pod each.
 * openshift-router scales the shares so the largest is 256 (256 and 170);
 * the router writes the same ratio in lowest terms (3 and 2). 256 and 255
 * is the worst a tenant could ask for (coprime, nothing to reduce); the
 * router gives no server of a hash-based balance more than 16.
 * Prints Markdown for BENCHMARKS.md. Nothing listens: only the check runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverWeights } from '../src/config/weights.ts';

const BACKENDS = Number(process.env.BACKENDS ?? 10_000);
const HAPROXY = process.env.HAPROXY_BIN ?? 'haproxy';

const route = [
  { weight: 60, servers: 1 },
  { weight: 40, servers: 1 },
];
/** openshift-router's calculateServiceWeights for the route: the largest share scaled to 256, truncated. */
const upstream = (() => {
  const shares = route.map((s) => s.weight / s.servers);
  const max = Math.max(...shares);
  return shares.map((s) => Math.max(1, Math.trunc((s * 256) / max)));
})();
const reduced = serverWeights(route);

const variants: { balance: string; weights: number[]; what: string }[] = [
  { balance: 'roundrobin', weights: [1, 1], what: 'one service (weights 1)' },
  { balance: 'roundrobin', weights: upstream, what: 'weighted route, upstream weights' },
  { balance: 'random', weights: [1, 1], what: 'one service (weights 1): what the router renders by default' },
  { balance: 'random', weights: reduced, what: 'weighted route, the router (lowest terms)' },
  { balance: 'random', weights: upstream, what: 'weighted route, upstream weights' },
  { balance: 'random', weights: [256, 255], what: 'worst case: coprime weights near 256' },
  { balance: 'random', weights: [16, 15], what: 'the most a server of a hash-based balance gets from the router' },
  { balance: 'source', weights: upstream, what: 'weighted route, upstream weights' },
  { balance: 'source', weights: reduced, what: 'weighted route, the router (lowest terms)' },
];

function config(balance: string, weights: number[]): string {
  const lines = ['global', '  maxconn 1000', 'defaults', '  mode http', '  timeout connect 5s', '  timeout client 30s', '  timeout server 30s', '  default-server init-addr none'];
  lines.push('frontend public', '  bind 127.0.0.1:1', '  default_backend b0');
  for (let i = 0; i < BACKENDS; i++) {
    lines.push(`backend b${i}`, '  hash-type consistent', `  balance ${balance}`);
    weights.forEach((w, k) => lines.push(`  server s${k} 10.${k}.${(i >> 8) & 255}.${i & 255}:8080 weight ${w}`));
  }
  return `${lines.join('\n')}\n`;
}

const dir = mkdtempSync(join(tmpdir(), 'balance-'));
try {
  console.log(`${BACKENDS} backends x 2 servers, \`haproxy -c\` (${HAPROXY}), ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| balance | weights | route | haproxy -c, s | peak RSS, MiB |');
  console.log('|---|---|---|---|---|');
  for (const v of variants) {
    const file = join(dir, 'haproxy.config');
    writeFileSync(file, config(v.balance, v.weights));
    const started = performance.now();
    const check = Bun.spawnSync([HAPROXY, '-c', '-q', '-f', file], { stdout: 'ignore', stderr: 'pipe' });
    const seconds = (performance.now() - started) / 1000;
    if (check.exitCode !== 0) throw new Error(`haproxy -c failed: ${check.stderr.toString()}`);
    const rss = (check.resourceUsage?.maxRSS ?? Number.NaN) / 2 ** 20;
    console.log(`| ${v.balance} | ${v.weights.join(':')} | ${v.what} | ${seconds.toFixed(2)} | ${rss.toFixed(0)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
