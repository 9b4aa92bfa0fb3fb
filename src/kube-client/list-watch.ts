/**
 * A supervised informer: client-node's ListWatch (cache, relist on 410,
 * reconnect with the last resourceVersion when a watch ends cleanly) on our
 * watch and a paginated list, plus what ListWatch lacks:
 *
 * - it stops for good on any other error (401, refused or reset connection,
 *   unknown CA); here every such error is logged once, naming the resource,
 *   the server and the cause, and the informer is restarted with exponential
 *   backoff (reset once a list or a watch event succeeds). A restart resumes
 *   the watch from the last resourceVersion, so nothing is lost or relisted
 *   needlessly;
 * - it drops objects whose resourceVersion it already holds, so a relist
 *   would not re-announce unchanged objects; they are re-delivered as updates
 *   here, since deduplication is the consumer's job;
 * - `onSynced` / `synced` once the first complete list has been delivered;
 *   the pages of that first list reach the handlers as they arrive, so the
 *   raw objects of a large cluster are not all held at once;
 * - ListWatch caches every object it is given, for as long as it exists: it
 *   is given each object's identity only (`identity.ts`), carrying the full
 *   object until it is delivered, so the handlers' converted objects are the
 *   only copy kept. Objects a relist finds gone reach `onDelete` as that
 *   identity.
 *
 * ListWatch's own reconnect delay (after clean stream ends without events)
 * goes through the same scheduler, so `stop()` never leaves a timer behind.
 */
import { ListWatch, type KubernetesObject, type Watch } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { Backoff } from './backoff.ts';
import { describeKubeError, retryAfterMs } from './errors.ts';
import { deliveredIdentityOf, identityOf, takeDelivered, takeObject, type IdentityFields } from './identity.ts';
import { listAllPages, type ListPageFn } from './paginate.ts';
import type { WatchCallback, WatchDone, Watcher, WatchQuery } from './watch.ts';

/** Runs `fn` after `ms` (never synchronously) and returns what cancels it; tests substitute one that does not wait. */
export type Scheduler = (fn: () => void, ms: number) => () => void;

/** What to list and watch, where to deliver it, and how to retry. */
export interface InformerOptions<T extends KubernetesObject> {
  /** Lists one page; pages are requested with `limit` and `_continue` until the list is complete. */
  list: ListPageFn<T>;
  /** The collection's path, e.g. `/apis/route.openshift.io/v1/routes`. */
  path: string;
  watch: Watcher;
  logger: Logger;
  /** For log lines, as kubectl names it: `routes.route.openshift.io`. */
  resourceName: string;
  /** For log lines: the API server URL. */
  server: string;
  onAdd: (obj: T) => void;
  onUpdate: (obj: T) => void;
  onDelete: (obj: T) => void;
  /** Called once, after the objects of the first complete list have been delivered. */
  onSynced?: () => void;
  /** Called with every error before the restart it causes (e.g. to tell a 403 apart). */
  onError?: (err: unknown) => void;
  /** What the cache keeps of each object (identity.ts); default `all`. */
  identity?: IdentityFields;
  /** Default 500. */
  pageSize?: number;
  /** Restart backoff after errors; default 1 s doubling to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  scheduler?: Scheduler;
}

/** A running informer. */
export interface Informer {
  /** Stops watching and cancels pending restarts; no callback runs afterwards. */
  stop(): void;
  /** Resolves after the first complete list was delivered; rejects if stopped before that. */
  readonly synced: Promise<void>;
}

const realScheduler: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  return () => clearTimeout(timer);
};

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Starts listing and watching; see the module comment for the guarantees. */
export function startInformer<T extends KubernetesObject>(opts: InformerOptions<T>): Informer {
  const { logger, resourceName, server } = opts;
  const schedule = opts.scheduler ?? realScheduler;
  const backoff = new Backoff(opts.backoff?.initialMs ?? 1000, opts.backoff?.maxMs ?? 30_000);
  let stopped = false;
  let synced = false;
  let failing = false;
  /** What the informer was doing, for the log line of an error ListWatch reports without context. */
  let phase: 'list' | 'watch' = 'list';
  let cancelRestart: (() => void) | undefined;
  /** ListWatch's pending reconnect delays: stop() releases them at once. */
  const delays = new Set<{ cancel: () => void; resolve: () => void }>();
  /** Aborted by stop(): a list under way (its request, or a pause the server asked for) ends at once. */
  const stopping = new AbortController();
  const ready = Promise.withResolvers<void>();
  // stop() before the first sync rejects `synced`; a caller that never awaited it must not crash the process.
  ready.promise.catch(() => {});

  const deliver = (handler: (obj: T) => void, cached: T) => {
    const obj = takeObject(cached);
    if (stopped) return;
    try {
      handler(obj);
    } catch (err) {
      logger.error(`${resourceName} handler failed for ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}: ${describeKubeError(err)}`);
    }
  };

  const succeeded = (what: string) => {
    backoff.reset();
    if (!failing) return;
    failing = false;
    logger.info(`${what} ${resourceName} on ${server} works again`);
  };

  const delayFn = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { resolve, cancel: () => {} };
      delays.add(entry);
      entry.cancel = schedule(() => {
        delays.delete(entry);
        resolve();
      }, ms);
    });

  const listWatch: ListWatch<T> = new ListWatch<T>(
    opts.path,
    // ListWatch only calls watch(); the cast is needed because Watch has private fields.
    { watch: watchAdapter } as unknown as Watch,
    listAll,
    false,
    undefined,
    undefined,
    { delayFn },
  );

  /** ListWatch keeps its cached object when the resourceVersion is unchanged, and tells nobody; we do. */
  function redeliverUnchanged(obj: T) {
    const rv = obj.metadata?.resourceVersion;
    if (rv === undefined) return;
    const cached = listWatch.get(obj.metadata?.name ?? '', obj.metadata?.namespace);
    if (cached?.metadata?.resourceVersion === rv) deliver(opts.onUpdate, obj);
  }

  /**
   * Objects handed to the handlers as their page arrived, while no list has
   * completed: a list that fails half way is retried, and what the retry no
   * longer holds is deleted again once it completes.
   */
  const early = new Map<string, T>();
  const keyOf = (o: T) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  const keep = opts.identity ?? 'all';

  /**
   * Before the first sync nothing is cached, so every listed object is an
   * add: each page goes to the handlers as it arrives and only identities
   * are kept, instead of a large cluster's every page held until the last
   * (the start's peak, which sets the memory the process keeps).
   */
  function deliverPage(items: T[]): T[] {
    return items.map((item) => {
      const identity = deliveredIdentityOf(item, keep);
      early.set(keyOf(item), identity);
      deliver(opts.onAdd, item);
      return identity;
    });
  }

  async function listAll() {
    phase = 'list';
    const first = !synced;
    const list = await listAllPages(opts.list, opts.pageSize, (items) => {
      for (const item of items) {
        if (!item.metadata?.name) throw new Error('the list returned an object without metadata.name');
      }
      return first ? deliverPage(items) : items;
    }, stopping.signal);
    succeeded('listing');
    if (first) {
      const listed = new Set(list.items.map(keyOf));
      for (const [key, identity] of early) if (!listed.has(key)) deliver(opts.onDelete, identity);
      early.clear();
      return list;
    }
    for (const item of list.items) redeliverUnchanged(item);
    return { ...list, items: list.items.map((item) => identityOf(item, keep)) };
  }

  function watchAdapter(path: string, params: WatchQuery, callback: WatchCallback, done: WatchDone): Promise<AbortController> {
    // ListWatch calls watch() after its reconnect delay without checking whether it was stopped meanwhile.
    if (stopped) {
      const aborted = new AbortController();
      aborted.abort();
      return Promise.resolve(aborted);
    }
    phase = 'watch';
    // ListWatch watches only after a list has been applied, so the first watch marks the first sync.
    if (!synced) markSynced();
    return opts.watch.watch(
      path,
      params,
      (type, obj, event) => {
        if (type !== 'ERROR') succeeded('watching');
        if (type !== 'ADDED' && type !== 'MODIFIED') return callback(type, obj, event);
        redeliverUnchanged(obj as T);
        return callback(type, identityOf(obj as T, keep), event);
      },
      // ListWatch's done handler is async and relists inside it: its failures are informer errors too.
      (err) => void Promise.resolve(done(err) as unknown).catch(fail),
    );
  }

  function markSynced() {
    synced = true;
    ready.resolve();
    try {
      opts.onSynced?.();
    } catch (err) {
      logger.error(`${resourceName} sync handler failed: ${describeKubeError(err)}`);
    }
  }

  function fail(err: unknown) {
    if (stopped || cancelRestart) return;
    failing = true;
    opts.onError?.(err);
    // A server that asks for a pause (429, Retry-After) gets at least that one; the backoff still grows beneath it.
    const delay = Math.max(retryAfterMs(err) ?? 0, backoff.next());
    logger.warn(`cannot ${phase} ${resourceName} on ${server}: ${describeKubeError(err)}; retrying in ${formatDelay(delay)}`);
    cancelRestart = schedule(() => {
      cancelRestart = undefined;
      run();
    }, delay);
  }

  function run() {
    if (stopped) return;
    listWatch.start().catch(fail);
  }

  listWatch.on('add', (obj) => {
    if (!takeDelivered(obj)) deliver(opts.onAdd, obj);
  });
  listWatch.on('update', (obj) => {
    if (!takeDelivered(obj)) deliver(opts.onUpdate, obj);
  });
  listWatch.on('delete', (obj) => deliver(opts.onDelete, obj));
  listWatch.on('error', fail);
  run();

  return {
    synced: ready.promise,
    stop() {
      if (stopped) return;
      stopped = true;
      cancelRestart?.();
      cancelRestart = undefined;
      for (const delay of delays) {
        delay.cancel();
        delay.resolve();
      }
      delays.clear();
      stopping.abort();
      void listWatch.stop();
      if (!synced) ready.reject(new Error(`${resourceName} informer stopped before its first list completed`));
    },
  };
}
