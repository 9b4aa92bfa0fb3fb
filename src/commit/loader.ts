import type { RenderedFiles } from '../config/render.ts';
import type { ConfigChecker, ConfigWriter, HaproxyProcess } from './ports.ts';

/** What became of a configuration handed to haproxy as a whole. */
export type LoadResult =
  /** `haproxy -c` could not run (timeout, spawn failure): nothing changed; try again. */
  | { kind: 'unchecked'; output: string[] }
  /** `haproxy -c` refused the candidate: nothing changed. */
  | { kind: 'refused'; output: string[] }
  | { kind: 'started'; generation: number }
  /** haproxy is restarting after a death: the restart loads this generation. */
  | { kind: 'pending'; generation: number }
  | { kind: 'reloaded'; generation: number; workerPid: number }
  /** The master died during the reload: its restart loads this generation. */
  | { kind: 'died'; generation: number; message: string }
  /** The reload failed and the previous generation is active again. */
  | { kind: 'failed'; generation: number; message: string };

/** A configuration haproxy accepted, whatever became of the load. */
export type LoadedResult = Exclude<LoadResult, { kind: 'unchecked' | 'refused' }>;

export interface LoadTimings {
  /** Writing and checking the candidate. */
  checkMs: number;
  /** Starting or reloading haproxy, until its new worker serves. */
  loadMs: number;
}

export interface LoaderDeps {
  writer: ConfigWriter;
  checker: ConfigChecker;
  haproxy: HaproxyProcess;
  /** Called as a reload (or start) is about to begin: the moment --interval counts from. */
  loadStarting(): void;
  /** Called once the candidate is checked (or, for a first start, written) and haproxy is about to load it. */
  checked?(): void;
  now(): number;
}

/**
 * Hands a whole configuration to haproxy: the candidate is written as a
 * new generation and checked with `haproxy -c` before it replaces the
 * active one, then haproxy starts on it (the first time) or reloads.
 */
export async function loadConfiguration(deps: LoaderDeps, files: RenderedFiles): Promise<{ result: LoadResult; timings: LoadTimings }> {
  const t0 = deps.now();
  const candidate = await deps.writer.stage(files);
  if (!deps.haproxy.supervising && !deps.haproxy.servingPredecessor()) return startUnchecked(deps, candidate, t0);
  const check = await deps.checker.check(candidate.configPath);
  const t1 = deps.now();
  const timings = (): LoadTimings => ({ checkMs: t1 - t0, loadMs: deps.now() - t1 });
  if (!check.ok) {
    await deps.writer.discard(candidate.generation);
    // Only haproxy's own verdict is final; a check that could not run is retried.
    const refused = check.output.some((line) => line.startsWith('[ALERT]'));
    return { result: refused ? { kind: 'refused', output: check.output } : { kind: 'unchecked', output: check.output }, timings: timings() };
  }
  await deps.writer.activate(candidate.generation);
  deps.checked?.();
  const generation = candidate.generation;
  // A haproxy left serving by a previous router: taking over with a config it refuses would stop it, so it was checked first.
  if (!deps.haproxy.supervising) {
    await deps.haproxy.start();
    deps.loadStarting();
    return { result: { kind: 'started', generation }, timings: timings() };
  }
  // The pending restart loads `conf`, which now points at this generation.
  if (!deps.haproxy.running) return { result: { kind: 'pending', generation }, timings: timings() };
  deps.loadStarting();
  const reload = await deps.haproxy.reload();
  if (reload.ok) return { result: { kind: 'reloaded', generation, workerPid: reload.workerPid }, timings: timings() };
  // The master died during the reload; its restart loads `conf`, which is this generation.
  if (!deps.haproxy.running) return { result: { kind: 'died', generation, message: reload.message }, timings: timings() };
  await deps.writer.rollback();
  return { result: { kind: 'failed', generation, message: reload.message }, timings: timings() };
}

/**
 * The first start with nothing serving skips the separate `haproxy -c`:
 * haproxy's own load parses the same files and refuses them the same way,
 * and no traffic can be cut; at 10,000 routes a check is seconds of CPU,
 * taken off the time to the first answer. Only a start that fails is
 * checked, to tell a candidate haproxy refuses (quarantine, as after any
 * check) from a start that failed for something else (a port taken).
 */
async function startUnchecked(deps: LoaderDeps, candidate: { generation: number; configPath: string }, t0: number): Promise<{ result: LoadResult; timings: LoadTimings }> {
  await deps.writer.activate(candidate.generation);
  deps.checked?.();
  const t1 = deps.now();
  const timings = (): LoadTimings => ({ checkMs: t1 - t0, loadMs: deps.now() - t1 });
  try {
    await deps.haproxy.start();
  } catch (err) {
    const check = await deps.checker.check(candidate.configPath);
    if (check.ok) throw err;
    // Whatever was active before (a router restarted on a stopped haproxy's files) is what a start should find.
    await deps.writer.rollback();
    const refused = check.output.some((line) => line.startsWith('[ALERT]'));
    return { result: refused ? { kind: 'refused', output: check.output } : { kind: 'unchecked', output: check.output }, timings: timings() };
  }
  deps.loadStarting();
  return { result: { kind: 'started', generation: candidate.generation }, timings: timings() };
}
