import { isRecord } from './json.ts';
import type { ResourceType } from './kinds.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { badRequest, conflict, notFound, unsupportedMediaType } from './status.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';

/** A write to `<resource>/<name>/status`: PUT carries the whole object, PATCH a patch document. */
export interface StatusWrite {
  resource: ResourceType;
  namespace: string | undefined;
  name: string;
  method: 'PUT' | 'PATCH';
  contentType: string;
  body: string;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw badRequest(`invalid JSON in request body: ${(e as Error).message}`);
  }
}

/** The object as the client wants it to be, before the status strategy keeps only its status. */
function desired(current: KubeObject, w: StatusWrite): Record<string, unknown> {
  const doc = parseJson(w.body);
  const mediaType = w.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  let result: unknown;
  if (w.method === 'PUT') {
    result = doc;
  } else if (mediaType === 'application/merge-patch+json' || mediaType === 'application/strategic-merge-patch+json') {
    // Routes have no patch strategy annotations, so strategic merge behaves as a plain merge patch for them.
    if (!isRecord(doc)) throw badRequest('merge patch must be a JSON object');
    result = mergePatch(current, doc);
  } else if (mediaType === 'application/json-patch+json') {
    result = jsonPatch(current, doc);
  } else {
    throw unsupportedMediaType(w.contentType);
  }
  if (!isRecord(result)) throw badRequest('the request body is not an object');
  return result;
}

/**
 * Applies a status write with the API server's rules: only `.status` is
 * taken, a resourceVersion that is present must equal the current one (409
 * otherwise; patches that set it get the same optimistic concurrency), and a
 * write that changes nothing commits nothing.
 */
export function writeStatus(store: ObjectStore, w: StatusWrite): KubeObject {
  const current = store.get(w.resource.storedKind, w.namespace, w.name);
  if (!current) throw notFound(w.resource, w.name);
  const next = desired(current, w);
  const meta = isRecord(next.metadata) ? next.metadata : {};
  if (meta.name !== undefined && meta.name !== w.name) {
    throw badRequest(`the name of the object (${String(meta.name)}) does not match the name on the URL (${w.name})`);
  }
  const rv = meta.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== current.metadata.resourceVersion) throw conflict(w.resource, w.name);
  const { status: _dropped, ...rest } = current;
  const updated = store.update(next.status === undefined ? rest as KubeObject : { ...rest, status: next.status }, { skipIfUnchanged: true });
  return w.resource.present(updated);
}
