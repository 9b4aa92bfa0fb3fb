/**
 * A Kubernetes watch on our transport, with the contract of client-node's
 * `Watch.watch()` so client-node's ListWatch can drive it.
 *
 * Differences from client-node's Watch, each on purpose:
 * - no 30 s client-side inactivity timeout: each watch asks the server to end
 *   it after `timeoutSeconds` (5-10 min at random, as client-go's reflector
 *   does), and only a stream that outlives that by a grace period is presumed
 *   dead and ended with an error;
 * - `allowWatchBookmarks=true`, so quiet resources still advance their
 *   resourceVersion and a reconnect does not fall behind the etcd compaction;
 * - a line that is not a watch event ends the watch with an error instead of
 *   being skipped: the unreadable line may have been an event, and skipping it
 *   would leave the state wrong until the next relist. Ending the watch makes
 *   the informer log it and re-watch from the last resourceVersion it did
 *   read, which replays the lost event;
 * - an `ERROR` event is delivered, then ends the watch with a KubeStatusError
 *   (410 makes ListWatch relist), as client-go's watcher stops there too;
 * - `done` is not called synchronously from `watch()`, and the returned
 *   controller can abort a connection still being opened.
 */
import { statusError, statusErrorFromResponse } from './errors.ts';
import type { KubeTransport } from './transport.ts';

/** Receives each event: its type, its object, and the whole event. */
export type WatchCallback = (phase: string, apiObj: unknown, watchObj?: unknown) => void;
/** Called once when the watch ends: `null` for a clean end (server closed it, or the caller aborted), else the error. */
export type WatchDone = (err: unknown) => void;
/** Query parameters added to the watch URL; `undefined` values are left out. */
export type WatchQuery = Record<string, string | number | boolean | undefined>;

/** The shape of client-node's `Watch`, which ListWatch needs. */
export interface Watcher {
  watch(path: string, queryParams: WatchQuery, callback: WatchCallback, done: WatchDone): Promise<AbortController>;
}

/** Tuning for tests and unusual servers; the defaults follow client-go. */
export interface KubeWatchOptions {
  /** Picks each watch's server-side timeout. Default: uniformly 300-600 s, like client-go's reflector. */
  timeoutSeconds?: () => number;
  /** How long past its timeout a stream may stay open before it is presumed dead. Default 60 s. */
  graceMs?: number;
}

/** Thrown into `done` for a line that is not a watch event. */
export class WatchDecodeError extends Error {
  constructor(line: string, why: string) {
    super(`${why}: ${line.length > 120 ? `${line.slice(0, 120)}...` : line}`);
    this.name = 'WatchDecodeError';
  }
}

interface WatchEvent {
  type: string;
  object: { metadata?: unknown };
}

function decodeEvent(line: string): WatchEvent {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    throw new WatchDecodeError(line, 'watch stream line is not JSON');
  }
  const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
  if (typeof type !== 'string' || object === null || typeof object !== 'object') {
    throw new WatchDecodeError(line, 'watch event without type or object');
  }
  // ListWatch dereferences metadata of everything but ERROR; better a clear error here than a TypeError there.
  if (type !== 'ERROR' && (typeof (object as WatchEvent['object']).metadata !== 'object' || !(object as WatchEvent['object']).metadata)) {
    throw new WatchDecodeError(line, `${type} event without metadata`);
  }
  return { type, object: object as WatchEvent['object'] };
}

/** Feeds complete lines of a byte stream to `onLine` until it returns false or the stream ends. */
async function readLines(body: ReadableStream<Uint8Array>, onLine: (line: string) => boolean): Promise<void> {
  const decoder = new TextDecoder();
  let partial = '';
  for await (const chunk of body) {
    const lines = (partial + decoder.decode(chunk, { stream: true })).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (!onLine(line)) return;
  }
  // A last line without its newline is still an event, or a truncated one that must be reported.
  const rest = partial + decoder.decode();
  if (rest.trim() !== '') onLine(rest);
}

const defaultTimeoutSeconds = () => 300 + Math.floor(Math.random() * 300);

/** Watches API paths over a KubeTransport; see the module comment. */
export class KubeWatch implements Watcher {
  private readonly timeoutSeconds: () => number;
  private readonly graceMs: number;

  constructor(
    private readonly transport: KubeTransport,
    opts: KubeWatchOptions = {},
  ) {
    this.timeoutSeconds = opts.timeoutSeconds ?? defaultTimeoutSeconds;
    this.graceMs = opts.graceMs ?? 60_000;
  }

  /**
   * Starts watching `path` (e.g. `/apis/route.openshift.io/v1/routes`) and
   * resolves at once with the controller that ends it. `queryParams` (usually
   * `resourceVersion`) are added to `watch`, `allowWatchBookmarks` and
   * `timeoutSeconds`, and win over them. Never throws: every failure,
   * including one thrown by `callback`, goes to `done`.
   */
  async watch(path: string, queryParams: WatchQuery, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    const controller = new AbortController();
    const timeoutSeconds = this.timeoutSeconds();
    const url = new URL(this.transport.server + path);
    url.searchParams.set('watch', 'true');
    url.searchParams.set('allowWatchBookmarks', 'true');
    url.searchParams.set('timeoutSeconds', String(timeoutSeconds));
    for (const [key, value] of Object.entries(queryParams)) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    void this.stream(url, controller, timeoutSeconds, callback, done);
    return controller;
  }

  private async stream(
    url: URL,
    controller: AbortController,
    timeoutSeconds: number,
    callback: WatchCallback,
    done: WatchDone,
  ): Promise<void> {
    let finished = false;
    const deadline = setTimeout(
      () => finish(new Error(`watch stream still open ${this.graceMs / 1000}s after its ${timeoutSeconds}s timeout; presuming the connection dead`)),
      timeoutSeconds * 1000 + this.graceMs,
    );
    deadline.unref();
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      // Closes the connection when the watch ends on our side (bad line, ERROR event).
      controller.abort();
      done(err);
    };
    controller.signal.addEventListener('abort', () => finish(null), { once: true });

    const onLine = (line: string): boolean => {
      if (finished) return false;
      if (line.trim() === '') return true;
      let event: WatchEvent;
      try {
        event = decodeEvent(line);
        const result: unknown = callback(event.type, event.object, event);
        // ListWatch's handler is async: a rejection is an error of this watch, not an unhandled one.
        if (result instanceof Promise) result.catch(finish);
      } catch (err) {
        finish(err);
        return false;
      }
      if (event.type === 'ERROR') {
        finish(statusError(event.object, 500));
        return false;
      }
      return true;
    };

    try {
      const res = await this.transport.kubeFetch(url, {
        stream: true,
        signal: controller.signal,
        headers: { accept: 'application/json' },
      });
      if (!res.ok) {
        finish(await statusErrorFromResponse(res));
        return;
      }
      if (res.body) await readLines(res.body, onLine);
      finish(null);
    } catch (err) {
      finish(err);
    }
  }
}
