/**
 * A Source that serves the Routes and endpoints defined by the manifest
 * files of one directory (and with `ingress`, its Ingresses, with the
 * IngressClasses, Secrets and Services they name; with `gateway`, its
 * Gateway API routes and what they need), and follows changes to them.
 *
 * Every change rescans the directory listing rather than trusting per-file
 * events, which is correct for ConfigMap mounts, whose files change by
 * swapping a symlink; but only files whose signature changed are read again,
 * only those whose bytes changed are parsed again, and only their objects
 * are compared (`manifest-file.ts`, `definitions.ts`). A file that cannot be
 * read, parsed or converted keeps the objects it last defined, and one
 * rewritten in place keeps the objects it dropped until it has been left
 * alone a while, so a half-written file never takes routes down.
 *
 * Events are not all there is to go by: the watch holds the directory's
 * inode, which a `rm -rf` and `mkdir`, a rename over it or a swapped
 * symlink to it leave behind, and an edit of a symlinked file outside the
 * directory raises none. So every scan checks which directory the path
 * names now (and watches that one), and the directory is rescanned every
 * RESCAN_INTERVAL_MS whatever happens, which costs a listing and a stat
 * per file. A stream of events (a log file written in the directory) delays
 * a scan by at most MAX_DEBOUNCE_MS.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResourceEvent, Source, SourceSink } from '../../domain/events.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { Definitions } from './definitions.ts';
import { isNotFound, readManifestFile, type FileRecord, type Problem } from './manifest-file.ts';
import { ManifestGateway, type ManifestGatewayOptions } from './manifest-gateway.ts';
import { ManifestIngress } from './manifest-ingress.ts';
import { isManifestFileName } from './parse-manifests.ts';

export interface ManifestSourceOptions {
  /** Directory whose `*.yaml`, `*.yml` and `*.json` files are read (not recursively). */
  dir: string;
  logger: Logger;
  /** Quiet time after the last file-system event before rescanning; bursts (an editor's save, a ConfigMap swap) coalesce. Default 50. */
  debounceMs?: number;
  /** Namespace of objects that name none, as kubectl would apply them. Default "default". */
  defaultNamespace?: string;
  /** `--enable-ingress`: serve the directory's Ingresses of IngressClasses with this controller too. */
  ingress?: { controller: string };
  /** `--enable-gateway-api`: serve the directory's HTTPRoutes and TLSRoutes of Gateways of this controller's classes too. */
  gateway?: ManifestGatewayOptions;
  /** How long a file rewritten in place must be left alone before the objects it dropped go. Default 5,000. */
  removalSettleMs?: number;
  /** Rescan this often whatever the watch says. Default RESCAN_INTERVAL_MS. */
  rescanIntervalMs?: number;
}

export const RESCAN_INTERVAL_MS = 10_000;
export const MAX_DEBOUNCE_MS = 1_000;

/** Serves the objects of a manifest directory; see the module comment for the rules. */
export class ManifestSource implements Source {
  private readonly dir: string;
  private readonly logger: Logger;
  private readonly debounceMs: number;
  private readonly defaultNamespace: string;
  private sink: SourceSink | undefined;
  private watcher: FSWatcher | undefined;
  /** The directory the watcher holds (`dev:ino`), to tell when the path names another. */
  private watched: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the first event the pending scan waits for came (ms), so a stream of events cannot put it off for ever. */
  private pendingSince: number | undefined;
  private interval: ReturnType<typeof setInterval> | undefined;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly removalSettleNs: bigint;
  private readonly rescanIntervalMs: number;
  private stopped = false;
  /** Each manifest file as last read, by path. */
  private readonly files = new Map<string, FileRecord>();
  /** The objects of every file, merged, and what the sink has been told. */
  private readonly definitions = new Definitions();
  /** The routes the directory's Ingresses become, when Ingresses are served. */
  private readonly ingress: ManifestIngress | undefined;
  /** The routes the directory's Gateway API routes become, when they are served. */
  private readonly gateway: ManifestGateway | undefined;
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
    this.ingress = opts.ingress && new ManifestIngress(opts.ingress.controller);
    this.gateway = opts.gateway && new ManifestGateway(opts.gateway);
    this.removalSettleNs = BigInt(opts.removalSettleMs ?? 5_000) * 1_000_000n;
    this.rescanIntervalMs = opts.rescanIntervalMs ?? RESCAN_INTERVAL_MS;
  }

  /**
   * Delivers the directory's objects as one batch, calls `synced()`, and keeps
   * following the directory. Rejects when the directory does not exist.
   */
  async start(sink: SourceSink): Promise<void> {
    if (this.sink) throw new Error(`manifest source for ${this.dir} already started`);
    await this.checkDirectory();
    if (this.stopped) return;
    // Watch before the first scan so that no change between the two is missed.
    this.watchDirectory();
    this.sink = sink;
    await this.rescan();
    if (this.stopped) return;
    this.interval = setInterval(() => this.schedule(), this.rescanIntervalMs);
    sink.synced();
  }

  /** Watches the directory the path names now, unless that is the one watched; a failure is logged and tried again at the next scan. */
  private watchDirectory(): void {
    if (this.stopped) return;
    let id: string;
    try {
      const st = statSync(this.dir);
      id = `${st.dev}:${st.ino}`;
    } catch {
      return;
    }
    if (id === this.watched && this.watcher) return;
    this.watcher?.close();
    this.watcher = undefined;
    this.watched = undefined;
    try {
      const watcher = watch(this.dir, () => this.schedule());
      watcher.on('error', (e) => {
        this.logger.error(`watching manifest directory ${this.dir} failed: ${errorMessage(e)}; rescanning every ${this.rescanIntervalMs / 1000} s`);
        if (this.watcher === watcher) {
          watcher.close();
          this.watcher = undefined;
        }
      });
      this.watcher = watcher;
      this.watched = id;
    } catch (e) {
      this.logger.error(`cannot watch manifest directory ${this.dir}: ${errorMessage(e)}; rescanning every ${this.rescanIntervalMs / 1000} s`);
    }
  }

  /** Closes the watcher, cancels a pending rescan and waits for a running one; no sink calls follow. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    clearInterval(this.interval);
    clearTimeout(this.settleTimer);
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
    const now = Date.now();
    this.pendingSince ??= now;
    clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pendingSince = undefined;
        void this.rescan();
      },
      Math.max(0, Math.min(this.debounceMs, this.pendingSince + MAX_DEBOUNCE_MS - now)),
    );
  }

  /** A rescan when the first file keeping objects it dropped may let them go. */
  private scheduleSettle(): void {
    clearTimeout(this.settleTimer);
    let first: bigint | undefined;
    for (const record of this.files.values()) if (record.settlesAtNs !== undefined && (first === undefined || record.settlesAtNs < first)) first = record.settlesAtNs;
    if (first === undefined || this.stopped) return;
    const inMs = Number((first - BigInt(Date.now()) * 1_000_000n) / 1_000_000n);
    // The periodic rescan looks again anyway; a longer delay (a clock that moved) could overflow the timer.
    this.settleTimer = setTimeout(() => this.schedule(), Math.min(Math.max(0, inMs) + 10, this.rescanIntervalMs));
  }

  /** Never rejects: a failed scan is logged and leaves the last state in place. */
  private async scan(): Promise<void> {
    const sink = this.sink;
    if (!sink || this.stopped) return;
    const problems: Problem[] = [];
    try {
      const parsed = await this.readFiles(problems);
      if (parsed !== undefined) {
        for (const record of this.files.values()) problems.push(...record.problems);
        problems.push(...this.definitions.warnings().map((message) => ({ level: 'warn' as const, message })));
        const events = this.events();
        problems.push(...(this.ingress?.problems() ?? []), ...(this.gateway?.problems() ?? []));
        if (this.stopped) return;
        if (events.length > 0) sink.apply(events);
        if (parsed > 0 || events.length > 0) {
          this.logger.debug(`manifest directory ${this.dir}: parsed ${parsed} of ${this.files.size} file(s), applied ${events.length} change(s)`);
        }
        // Only after apply succeeded: should it throw, the next scan offers the same changes again.
        this.definitions.commit();
        this.ingress?.commit();
        this.gateway?.commit();
      }
    } catch (e) {
      problems.push({ level: 'error', message: `rescanning manifest directory ${this.dir} failed: ${errorMessage(e)}` });
    }
    this.scheduleSettle();
    this.report(problems);
  }

  /** The sink's events: Routes and slices as defined, then the routes Ingresses and Gateway API routes become. */
  private events(): ResourceEvent[] {
    const events: ResourceEvent[] = [];
    for (const change of this.definitions.pending()) {
      if (change.kind === 'Route' || change.kind === 'EndpointSlice') events.push(change);
      else {
        // Secrets and Services serve both.
        this.ingress?.take(change);
        this.gateway?.take(change);
      }
    }
    return [...events, ...(this.ingress?.pending() ?? []), ...(this.gateway?.pending() ?? [])];
  }

  /**
   * Brings every file's record up to date (one file at a time, so a large
   * directory is never in memory as text at once) and hands what changed to
   * the definitions. Returns how many files were parsed, or undefined when
   * the directory cannot be listed.
   */
  private async readFiles(problems: Problem[]): Promise<number | undefined> {
    this.watchDirectory();
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
    let parsed = 0;
    // Records and definitions change together, file by file, so that a scan cut short leaves them consistent.
    const seen = new Set<string>();
    for (const name of names) {
      const path = join(this.dir, name);
      seen.add(path);
      const previous = this.files.get(path);
      const record = await readManifestFile(path, previous, this.defaultNamespace, { ingress: this.ingress !== undefined, gateway: this.gateway !== undefined }, this.removalSettleNs);
      if (record?.hash !== undefined && record.hash !== previous?.hash) parsed++;
      if (record?.objects !== previous?.objects) this.definitions.replace(path, previous?.objects, record?.objects);
      if (record) this.files.set(path, record);
      else this.files.delete(path);
    }
    for (const [path, previous] of this.files) {
      if (seen.has(path)) continue;
      this.definitions.replace(path, previous.objects, undefined);
      this.files.delete(path);
    }
    return parsed;
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
