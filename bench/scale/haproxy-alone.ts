/** A reference configuration run by haproxy alone (no router), for wrk to compare against; `haproxy -c` timed. Both in the environment the router gives haproxy. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haproxyEnv } from '../../src/haproxy/haproxy-env.ts';
import { stop, track } from './children.ts';
import type { ReferenceConfig } from './reference-configs.ts';

export interface StandaloneHaproxy {
  /** The haproxy process (`-db`: one process, no master, so also the one that serves). */
  pid: number;
  /** ms from spawn to the first answer on the port, or the reason it never came. */
  ready: number | string;
  stop(): Promise<void>;
}

/** Writes the config and its files into `dir`; returns the config's path. */
export function writeReference(dir: string, ref: ReferenceConfig): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(ref.files)) writeFileSync(join(dir, name), text);
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, ref.config);
  return file;
}

/** Wall and CPU milliseconds `haproxy -c` takes on `file`, or on the `-f` arguments given (its exit status included: a refused config is not a time). */
export function timeCheck(file: string, args: readonly string[] = ['-f', file]): { ms: number; cpuMs: number; ok: boolean; output: string } {
  const t0 = performance.now();
  const run = Bun.spawnSync(['haproxy', '-c', '-q', ...args], { stdout: 'pipe', stderr: 'pipe', env: haproxyEnv() });
  const cpu = run.resourceUsage?.cpuTime;
  return { ms: performance.now() - t0, cpuMs: cpu ? Number(cpu.user + cpu.system) / 1000 : Number.NaN, ok: run.exitCode === 0, output: `${run.stdout}${run.stderr}`.trim().slice(0, 300) };
}

export async function startStandalone(file: string, port: number, deadlineMs: number): Promise<StandaloneHaproxy> {
  const t0 = performance.now();
  const proc = track('haproxy', Bun.spawn(['haproxy', '-db', '-f', file], { stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', env: haproxyEnv() }));
  const halt = () => stop(proc, 5000);
  for (;;) {
    const answered = await fetch(`http://127.0.0.1:${port}/`, { headers: { Host: 'nobody.invalid' }, signal: AbortSignal.timeout(1000) }).then(
      async (r) => (await r.arrayBuffer(), true),
      () => false,
    );
    if (answered) return { pid: proc.pid, ready: performance.now() - t0, stop: halt };
    if (proc.exitCode !== null || performance.now() - t0 > deadlineMs) {
      await halt();
      const alert = (await new Response(proc.stderr).text()).split('\n').find((l) => l.includes('ALERT')) ?? 'no answer';
      return { pid: proc.pid, ready: alert.slice(0, 200), stop: async () => {} };
    }
    await Bun.sleep(10);
  }
}
