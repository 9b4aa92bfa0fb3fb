/**
 * What client-node's ListWatch keeps of each object: the fields it reads
 * (name, namespace, resourceVersion) and those a delete handler may need
 * (kind, apiVersion, uid), the full object attached until it is delivered.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

const FULL = Symbol('full object');

type Carrier<T> = T & { [FULL]?: T };

/** The identity of `obj`, carrying `obj` itself until `takeObject` takes it. */
export function identityOf<T extends KubernetesObject>(obj: T): T {
  const m = obj.metadata ?? {};
  const metadata = {
    ...(m.name !== undefined ? { name: m.name } : {}),
    ...(m.namespace !== undefined ? { namespace: m.namespace } : {}),
    ...(m.resourceVersion !== undefined ? { resourceVersion: m.resourceVersion } : {}),
    ...(m.uid !== undefined ? { uid: m.uid } : {}),
  };
  const identity: Carrier<KubernetesObject> = {
    ...(obj.apiVersion !== undefined ? { apiVersion: obj.apiVersion } : {}),
    ...(obj.kind !== undefined ? { kind: obj.kind } : {}),
    metadata,
    [FULL]: obj,
  };
  return identity as T;
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
