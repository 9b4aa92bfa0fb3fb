/**
 * The manifest source on large directories: time and peak RSS of a full
 * start and of one changed file.
 *   bun run bench:manifests
 * Environment: ROUTES (comma-separated sizes; default 6000,60000, about 5
 * and 50 MB of YAML), PER_FILE (routes per file, default 100), BEFORE (the
 * src/ directory of another checkout, measured the same way for
 * before/after figures). Each measurement runs in a process of its own
 * (bench/manifest-source-run.ts). Prints Markdown for BENCHMARKS.md.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeManifestTree } from './manifest-tree.ts';

const SIZES = (process.env.ROUTES ?? '6000,60000').split(',').map(Number);
const PER_FILE = Number(process.env.PER_FILE ?? 100);
const variants = [
  ...(process.env.BEFORE ? [{ name: 'before', src: process.env.BEFORE }] : []),
  { name: process.env.BEFORE ? 'after' : 'this checkout', src: join(import.meta.dir, '../src') },
];

interface Sample {
  ms: number;
  cpuMs: number;
  peakMiB: number;
  rssMiB: number;
}
interface Run {
  baselineMiB: number;
  start: Sample;
  changes: Sample[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const f = (x: number) => x.toFixed(0);

console.log('| routes (+ slices) | files | MB | code | start: ms (CPU ms) | start: peak RSS MiB | RSS after start | one file changed: ms, median of 3 (CPU ms) | peak RSS during the change |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const routes of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-bench-'));
  try {
    const files = writeManifestTree(dir, routes, PER_FILE);
    const mb = readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0) / 1e6;
    for (const v of variants) {
      const child = Bun.spawnSync(['bun', join(import.meta.dir, 'manifest-source-run.ts')], {
        env: { ...process.env, DIR: dir, ROUTES: String(routes), PER_FILE: String(PER_FILE), SRC: v.src },
        stderr: 'inherit',
      });
      if (child.exitCode !== 0) throw new Error(`${v.name} at ${routes} routes exited with ${child.exitCode}`);
      const run = JSON.parse(child.stdout.toString().trim().split('\n').at(-1) ?? '') as Run;
      const change = median(run.changes.map((c) => c.ms));
      const changeCpu = median(run.changes.map((c) => c.cpuMs));
      const changePeak = Math.max(...run.changes.map((c) => c.peakMiB));
      console.log(`| ${routes} | ${files} | ${mb.toFixed(1)} | ${v.name} | ${f(run.start.ms)} (${f(run.start.cpuMs)}) | ${f(run.start.peakMiB)} | ${f(run.start.rssMiB)} | ${f(change)} (${f(changeCpu)}) | ${f(changePeak)} |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
