/**
 * A Source that serves the Routes, Services and endpoints defined by the
 * manifest files of one directory, and follows changes to them.
 *
 * Every change rescans the whole directory and diffs the merged result
 * against the previous one: simpler than tracking per-file events, and
 * correct for ConfigMap mounts, whose files change by swapping a symlink.
 * A file that cannot be read, parsed or converted keeps the objects it last
 * defined, so a half-written file never takes routes down.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Source, SourceSink } from '../../domain/events.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { buildSnapshot, diffSnapshots, type Snapshot } from './snapshot.ts';
import { classify, isManifestFileName, parseManifestFile, type ManifestObjects } from './parse-manifests.ts';

export interface ManifestSourceOptions {
  /** Directory whose `*.yaml`, `*.yml` and `*.json` files are read (not recursively). */
  dir: string;
  logger: Logger;
  /** Quiet time after the last file-system event before rescanning; bursts (an editor's save, a ConfigMap swap) coalesce. Default 50. */
  debounceMs?: number;
  /** Namespace of objects that name none, as kubectl would apply them. Default "default". */
  defaultNamespace?: string;
}

interface Problem {
  level: 'error' | 'warn';
  message: string;
}

/** Serves the objects of a manifest directory; see the module comment for the rules. */
export class ManifestSource implements Source {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  private readonly defaultNamespace: string;
  private sink: SourceSink | undefined;
  private watcher: FSWatcher | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  /** The objects each file last defined successfully, by path. */
  private files = new Map<string, ManifestObjects>();
  /** What the sink has been told. */
  private snapshot: Snapshot = new Map();
  /** Problems the previous scan logged: each is logged once for as long as it lasts. */
  private reported = new Set<string>();
  /** The latest scan in the queue: scans run one at a time, in order. */
  private tail: Promise<void> = Promise.resolve();
  /** A scan requested but not started yet; later requests share it, since it will see their changes. */
  private queued: Promise<void> | undefined;

  constructor(opts: ManifestSourceOptions) {
    this.dir = opts.dir;
    this.logger = opts.logger;
    this.debounceMs = opts.debounceMs ?? 50;
    this.defaultNamespace = opts.defaultNamespace ?? 'default';
  }

  /**
   * Delivers the directory's objects as one batch, calls `synced()`, and keeps
   * following the directory. Rejects when the directory does not exist.
   */
  async start(sink: SourceSink): Promise<void> {
    if (this.sink) throw new Error(`manifest source for ${this.dir} already started`);
    await this.checkDirectory();
    // Watch before the first scan so that no change between the two is missed.
    this.watcher = watch(this.dir, () => this.schedule());
    this.watcher.on('error', (e) => {
      this.logger.error(`watching manifest directory ${this.dir} failed: ${errorMessage(e)}; keeping the last state`);
    });
    this.sink = sink;
    await this.rescan();
    if (!this.stopped) sink.synced();
  }

  /** Closes the watcher, cancels a pending rescan and waits for a running one; no sink calls follow. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
    await this.tail;
  }

  /** Rescans the directory; resolves once the resulting batch (if anything changed) has been applied. */
  rescan(): Promise<void> {
    this.queued ??= this.tail.then(() => {
      this.queued = undefined;
      return this.scan();
    });
    this.tail = this.queued;
    return this.queued;
  }

  private async checkDirectory(): Promise<void> {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(this.dir)).isDirectory();
    } catch (e) {
      throw new Error(
        isNotFound(e)
          ? `manifest directory ${this.dir} does not exist`
          : `cannot read manifest directory ${this.dir}: ${errorMessage(e)}`,
      );
    }
    if (!isDirectory) throw new Error(`manifest directory ${this.dir} is not a directory`);
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.rescan();
    }, this.debounceMs);
  }

  /** Never rejects: a failed scan is logged and leaves the last state in place. */
  private async scan(): Promise<void> {
    const sink = this.sink;
    if (!sink || this.stopped) return;
    const problems: Problem[] = [];
    try {
      const files = await this.readFiles(problems);
      if (files) {
        this.files = files;
        const { snapshot, warnings } = buildSnapshot(files);
        problems.push(...warnings.map((message) => ({ level: 'warn' as const, message })));
        const events = diffSnapshots(this.snapshot, snapshot);
        if (this.stopped) return;
        if (events.length > 0) {
          sink.apply(events);
          this.logger.debug(`manifest directory ${this.dir}: applied ${events.length} change(s)`);
        }
        // Only after apply succeeded: should it throw, the next scan offers the same changes again.
        this.snapshot = snapshot;
      }
    } catch (e) {
      problems.push({ level: 'error', message: `rescanning manifest directory ${this.dir} failed: ${errorMessage(e)}` });
    }
    this.report(problems);
  }

  /** The objects of every manifest file by path, or undefined when the directory cannot be listed. */
  private async readFiles(problems: Problem[]): Promise<Map<string, ManifestObjects> | undefined> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter(isManifestFileName);
    } catch (e) {
      problems.push({
        level: 'error',
        message: `cannot read manifest directory ${this.dir}: ${errorMessage(e)}; keeping the last state`,
      });
      return undefined;
    }
    const files = new Map<string, ManifestObjects>();
    for (const name of names) {
      const path = join(this.dir, name);
      const objects = await this.readManifest(path, problems);
      if (objects) files.set(path, objects);
    }
    return files;
  }

  /** A file's objects; its previous objects when it is broken; undefined when it is gone or not a regular file. */
  private async readManifest(path: string, problems: Problem[]): Promise<ManifestObjects | undefined> {
    let text: string;
    try {
      // stat follows symlinks, which is how a mounted ConfigMap presents its files.
      if (!(await stat(path)).isFile()) return undefined;
      text = await readFile(path, 'utf8');
    } catch (e) {
      // Deleted since the listing (or a dangling link): the file is gone.
      if (isNotFound(e)) return undefined;
      return this.keepPrevious(path, [`cannot read ${path}: ${errorMessage(e)}`], problems);
    }
    const parsed = parseManifestFile(path, text);
    if (!parsed.ok) return this.keepPrevious(path, [parsed.error], problems);
    const { objects, warnings, errors } = classify(path, parsed.objects, this.defaultNamespace);
    problems.push(...warnings.map((message) => ({ level: 'warn' as const, message })));
    return errors.length > 0 ? this.keepPrevious(path, errors, problems) : objects;
  }

  private keepPrevious(path: string, errors: readonly string[], problems: Problem[]): ManifestObjects | undefined {
    for (const error of errors) problems.push({ level: 'error', message: `${error} (keeping the objects it last defined)` });
    return this.files.get(path);
  }

  private report(problems: readonly Problem[]): void {
    const current = new Set<string>();
    for (const { level, message } of problems) {
      const key = `${level} ${message}`;
      if (!this.reported.has(key) && !current.has(key)) this.logger[level](message);
      current.add(key);
    }
    this.reported = current;
  }
}

function isNotFound(e: unknown): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && (e.code === 'ENOENT' || e.code === 'ENOTDIR');
}
