/**
 * Lists a whole collection in pages, as client-go's pager does, so a large
 * cluster's routes never arrive in one multi-megabyte response.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { statusCodeOf } from './errors.ts';

/** client-go's page size. */
export const DEFAULT_PAGE_SIZE = 500;

/** The paging parameters, named as client-node's list methods take them, so they can be spread into a call. */
export interface PageParams {
  limit?: number;
  _continue?: string;
}

/**
 * Lists one page, e.g. `(p) => api.customObjects.listClusterCustomObject({ group, version, plural, ...p })`;
 * `signal` aborts when the list is no longer wanted (its informer stopped).
 */
export type ListPageFn<T extends KubernetesObject> = (params: PageParams, signal?: AbortSignal) => Promise<KubernetesListObject<T>>;

/**
 * The continue token. Typed lists (DiscoveryV1Api) are deserialized into
 * `_continue`; CustomObjectsApi returns the raw JSON, where it is `continue`.
 */
function continueToken(list: KubernetesListObject<KubernetesObject>): string | undefined {
  const meta = list.metadata as { _continue?: string; continue?: string } | undefined;
  return meta?._continue || meta?.continue || undefined;
}

/**
 * Fetches every page and returns them as one list, carrying the last page's
 * metadata (all pages share the snapshot's resourceVersion). When a continue
 * token has expired (410, after etcd compaction) it lists everything in one
 * request instead, as client-go's pager does. `keep` is given each page's
 * items as they arrive and returns what the list keeps of them, so a caller
 * that is done with an object need not hold every page until the last.
 * `signal` goes to every page's request.
 */
export async function listAllPages<T extends KubernetesObject>(
  list: ListPageFn<T>,
  pageSize = DEFAULT_PAGE_SIZE,
  keep: (items: T[]) => T[] = (items) => items,
  signal?: AbortSignal,
): Promise<KubernetesListObject<T>> {
  let page = await list({ limit: pageSize }, signal);
  const items = keep(page.items ?? []);
  for (let token = continueToken(page); token; token = continueToken(page)) {
    try {
      page = await list({ limit: pageSize, _continue: token }, signal);
    } catch (err) {
      if (statusCodeOf(err) !== 410) throw err;
      const whole = await list({}, signal);
      return { ...whole, items: keep(whole.items ?? []) };
    }
    items.push(...keep(page.items ?? []));
  }
  return { ...page, items };
}
