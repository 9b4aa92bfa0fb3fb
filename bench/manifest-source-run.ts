/**
 * One measured run of the manifest source, in a process of its own so that
 * its peak RSS is the source's: starts a ManifestSource on DIR into a
 * RouterState, then changes one file and waits for the batch. Prints one JSON
 * line. `SRC` names the src/ directory to load (another checkout's, for
 * before/after figures). Driven by bench/manifest-source.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SourceSink } from '../src/domain/events.ts';
import { fileName, fileText } from './manifest-tree.ts';

const dir = process.env.DIR ?? '';
const routes = Number(process.env.ROUTES);
const perFile = Number(process.env.PER_FILE);
const src = resolve(process.env.SRC ?? join(import.meta.dir, '../src'));

const { ManifestSource } = (await import(join(src, 'sources/manifest/manifest-source.ts'))) as typeof import('../src/sources/manifest/manifest-source.ts');
const { RouterState } = (await import(join(src, 'state/router-state.ts'))) as typeof import('../src/state/router-state.ts');
const { createLogger } = (await import(join(src, 'log.ts'))) as typeof import('../src/log.ts');

function status(field: string): number {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(`${field}:`)) ?? '';
  return Number(/(\d+)/.exec(line)?.[1] ?? Number.NaN) / 1024;
}
/** Resets VmHWM, so the next reading is the peak since now. */
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');

const state = new RouterState();
let applied: (() => void) | undefined;
const sink: SourceSink = {
  apply(events) {
    state.apply(events);
    applied?.();
  },
  held: (kind, key) => state.held(kind, key),
  synced() {},
};
const source = new ManifestSource({ dir, logger: createLogger({ format: 'json', level: 'warn' }) });
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const baseline = status('VmRSS');
resetPeak();
let t = performance.now();
const cpu = process.cpuUsage();
await source.start(sink);
const start = { ms: performance.now() - t, cpuMs: cpuMs(cpu), peakMiB: status('VmHWM'), rssMiB: status('VmRSS') };
if (state.routes.size !== routes || state.slices.size !== routes) throw new Error(`served ${state.routes.size} routes, ${state.slices.size} slices; want ${routes}`);

/** One file rewritten with other hosts, through the watcher (its 50 ms debounce included). */
async function change(variant: number): Promise<{ ms: number; cpuMs: number; peakMiB: number; rssMiB: number }> {
  resetPeak();
  const batch = new Promise<void>((resolve) => (applied = resolve));
  t = performance.now();
  const cpu = process.cpuUsage();
  writeFileSync(join(dir, fileName(0)), fileText(0, perFile, routes, variant));
  await batch;
  return { ms: performance.now() - t, cpuMs: cpuMs(cpu), peakMiB: status('VmHWM'), rssMiB: status('VmRSS') };
}
const changes = [await change(1), await change(2), await change(0)];
const host = state.routes.get('ns-0/route-0')?.host;
if (host !== 'route-0.apps.example.com') throw new Error(`route-0 not changed back: ${host}`);
await source.stop();
console.log(JSON.stringify({ baselineMiB: baseline, start, changes }));
