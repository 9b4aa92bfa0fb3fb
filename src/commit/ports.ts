import type { CertificateFile } from '../config/model.ts';
import type { RenderedFiles } from '../config/render.ts';
import type { UnwrittenFile } from '../plan/quarantine.ts';
import type { CheckResult } from '../haproxy/check-config.ts';
import type { ReloadResult } from '../haproxy/supervisor.ts';

/** The supervised haproxy, as the commit path sees it. */
export interface HaproxyProcess {
  /** haproxy was started and is ours to keep alive, even while it restarts. */
  readonly supervising: boolean;
  /** A master is up right now. */
  readonly running: boolean;
  /** A haproxy of this working dir is still serving: the next start takes over from it. */
  servingPredecessor(): boolean;
  /** Starts haproxy on the active configuration; rejects with haproxy's alerts if it cannot. */
  start(): Promise<void>;
  /** Reloads the active configuration. */
  reload(): Promise<ReloadResult>;
}

/** Configuration generations and certificate files on disk. */
export interface ConfigWriter {
  /** Writes a candidate generation (not active yet). */
  stage(files: RenderedFiles): Promise<{ generation: number; configPath: string }>;
  /** Makes a generation the one haproxy loads, atomically. */
  activate(generation: number): Promise<void>;
  /**
   * Makes the active generation hold `files` without a check, for changes the
   * worker takes through the runtime API: in place when nothing reads it,
   * else as a new generation. Only while a worker runs (no start or restart
   * reads the files meanwhile).
   */
  update(files: RenderedFiles): Promise<{ generation: number; configPath: string }>;
  /** Keeps a generation as it is on disk (a check reads it), from the call until the function it resolves to is called; resolves once the generation's files are all written. */
  hold(generation: number): Promise<() => void>;
  /** Writes the in-place updates still waiting, and the certificates they name first. */
  flush(): Promise<void>;
  /** Undoes the last update, or goes back to the generation active before the last activate. */
  rollback(): Promise<void>;
  /** Removes a generation that was never activated. */
  discard(generation: number): Promise<void>;
  /** Writes certificate files not on disk yet (named by content); returns those refused for something about themselves. */
  writeCertificates(files: readonly CertificateFile[]): Promise<UnwrittenFile[]>;
  /**
   * Writes certificate files in the background, for a change the worker
   * takes through the runtime API (it gets their text there): anything that
   * reads the files (stage, activate, hold, a start) waits for them first.
   */
  writeCertificatesLater(files: readonly CertificateFile[]): void;
  /** Removes certificate files whose names are not in `keep`. */
  pruneCertificates(keep: ReadonlySet<string>): Promise<void>;
}

/** `haproxy -c` on a candidate. */
export interface ConfigChecker {
  /** `background`: nothing waits for the verdict, so the check yields the CPU to whatever else wants it. */
  check(configPath: string, opts?: { background?: boolean }): Promise<CheckResult>;
}
