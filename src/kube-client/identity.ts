/**
 * What client-node's ListWatch keeps of each object: the fields it reads
 * (name, namespace, resourceVersion) and those a delete handler may need
 * (kind, apiVersion, uid), the full object attached until it is delivered.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

const FULL = Symbol('full object');
const DELIVERED = Symbol('delivered as its list page arrived');

type Carrier<T> = T & { [FULL]?: T; [DELIVERED]?: true };

/**
 * `all`: besides what the cache reads, kind, apiVersion and uid, which some
 * delete handlers read; `name`: only what the cache reads, for kinds whose
 * handlers key objects by namespace and name alone (a uid string per object
 * is 1 MB at 15,000 endpoint slices).
 */
export type IdentityFields = 'all' | 'name';

function identityFields(obj: KubernetesObject, keep: IdentityFields): KubernetesObject {
  const m = obj.metadata ?? {};
  const metadata = {
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
    ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
    ...(m.uid !== undefined && keep === 'all' ? { uid: m.uid } : {}),
  };
  if (keep === 'name') return { metadata };
  return {
    ...(obj.apiVersion !== undefined ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.kind !== undefined ? { kind: obj.kind } : {}),
    metadata,
  };
}

/** The identity of `obj`, carrying `obj` itself until `takeObject` takes it. */
export function identityOf<T extends KubernetesObject>(obj: T, keep: IdentityFields = 'all'): T {
  const identity: Carrier<KubernetesObject> = identityFields(obj, keep);
  identity[FULL] = obj;
  return identity as T;
}

/**
 * The identity of an object its handler was given as the list page that
 * held it arrived: ListWatch announces it once more when the whole list is
 * in, and `takeDelivered` tells that announcement apart.
 */
export function deliveredIdentityOf<T extends KubernetesObject>(obj: T, keep: IdentityFields = 'all'): T {
  const identity: Carrier<KubernetesObject> = identityFields(obj, keep);
  identity[DELIVERED] = true;
  return identity as T;
}

/** Whether `cached` is an identity whose object was delivered already (once: the mark goes with the answer). */
export function takeDelivered(cached: KubernetesObject): boolean {
  const carrier = cached as Carrier<KubernetesObject>;
  if (carrier[DELIVERED] !== true) return false;
  delete carrier[DELIVERED];
  return true;
}

/**
 * The full object an identity carries, detached from it so the cache keeps
 * the identity alone; an identity already delivered (or any other object)
 * is returned as it is.
 */
export function takeObject<T>(cached: T): T {
  const carrier = cached as Carrier<T>;
  const full = carrier[FULL];
  if (full === undefined) return cached;
  delete carrier[FULL];
  return full;
}
