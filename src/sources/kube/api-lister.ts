import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { retryAfterMs, statusErrorFromResponse } from '../../kube-client/errors.ts';
import { pause } from '../../kube-client/pause.ts';
import type { ListPageFn } from '../../kube-client/paginate.ts';
import type { Watcher } from '../../kube-client/watch.ts';
import type { KubeTransport } from '../../kube-client/transport.ts';

/** A collection to list and watch, with the selectors the router applies server-side. */
export interface Collection {
  /** e.g. `/apis/route.openshift.io/v1/namespaces/apps/routes`. */
  path: string;
  /** As kubectl names it, for log lines: `routes.route.openshift.io`. */
  resourceName: string;
  labelSelector: string | undefined;
  fieldSelector: string | undefined;
}

function selectors(c: Collection): Record<string, string> {
  return {
    ...(c.labelSelector ? { labelSelector: c.labelSelector } : {}),
    ...(c.fieldSelector ? { fieldSelector: c.fieldSelector } : {}),
  };
}

/**
 * A page the API server turns away asking for a pause (a 429 from API
 * Priority and Fairness, or a 5xx with Retry-After) is asked for again once
 * the pause is over, as client-go does with every request, up to this many
 * times: otherwise the informer would restart and list every page again,
 * which at 100,000 routes (200 pages) against a throttling server might
 * never get through.
 */
export const MAX_THROTTLED_PAGE_RETRIES = 10;

/**
 * Lists one page as raw JSON. The typed clients would turn timestamps into
 * Dates and drop unknown fields; the source converts objects itself, so the
 * same converter serves lists, watch events and manifests.
 */
export function rawLister(transport: KubeTransport, c: Collection, sleep: (ms: number, signal?: AbortSignal) => Promise<unknown> = pause): ListPageFn<KubernetesObject> {
  return async ({ limit, _continue }, signal) => {
    const url = new URL(`${transport.server}${c.path}`);
    for (const [k, v] of Object.entries(selectors(c))) url.searchParams.set(k, v);
    if (limit !== undefined) url.searchParams.set('limit', String(limit));
    if (_continue) url.searchParams.set('continue', _continue);
    const init = signal ? { signal } : {};
    let res = await transport.kubeFetch(url, init);
    for (let retries = 0; !res.ok; retries++) {
      const err = await statusErrorFromResponse(res);
      const pauseMs = retryAfterMs(err);
      if (pauseMs === undefined || retries >= MAX_THROTTLED_PAGE_RETRIES) throw err;
      await sleep(pauseMs, signal);
      res = await transport.kubeFetch(url, init);
    }
    const list = (await res.json()) as KubernetesListObject<KubernetesObject>;
    for (const item of list.items ?? []) withoutManagedFields(item);
    return list;
  };
}

/**
 * Drops metadata.managedFields, in place: often half of an object's size
 * on a real cluster, read by nothing here, and every listed or watched
 * object is kept (the informer's cache, the records status writes start
 * from). A status write without them leaves the server's as they are.
 */
export function withoutManagedFields(object: unknown): void {
  const metadata = (object as { metadata?: { managedFields?: unknown } } | null)?.metadata;
  if (metadata && typeof metadata === 'object' && 'managedFields' in metadata) delete metadata.managedFields;
}

/** The same selectors on every watch request (ListWatch passes only resourceVersion and bookmarks). */
export function selectingWatcher(watch: Watcher, c: Collection): Watcher {
  const extra = selectors(c);
  return {
    watch: (path, query, callback, done) =>
      watch.watch(
        path,
        { ...query, ...extra },
        (phase, object, event) => {
          withoutManagedFields(object);
          callback(phase, object, event);
        },
        done,
      ),
  };
}

/** `/api/v1` or `/apis/<group>/<version>`, scoped to a namespace when given. */
export function collectionPath(groupVersion: string, plural: string, namespace: string | undefined): string {
  const base = groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`;
  return namespace ? `${base}/namespaces/${namespace}/${plural}` : `${base}/${plural}`;
}
