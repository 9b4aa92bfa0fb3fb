import type { ResourceType } from './kinds.ts';

/** What a request path addresses, resolved against the resources being served. */
export type ApiPath =
  | { type: 'coreVersions' }
  | { type: 'groups' }
  | { type: 'group'; group: string }
  | { type: 'resources'; group: string; version: string }
  | { type: 'resource'; resource: ResourceType; namespace?: string; name?: string; subresource?: string }
  | { type: 'unknown' };

const UNKNOWN: ApiPath = { type: 'unknown' };

/** Parses `/api...` and `/apis...` paths the way the API server's request info resolver does, for the served resources only. */
export function parseApiPath(pathname: string, served: readonly ResourceType[]): ApiPath {
  let segs: string[];
  try {
    segs = pathname.split('/').filter((s) => s !== '').map(decodeURIComponent);
  } catch {
    return UNKNOWN;
  }
  const [root, a, b, ...rest] = segs;
  if (root === 'api') {
    if (a === undefined) return { type: 'coreVersions' };
    return groupVersionPath('', a, b === undefined ? [] : [b, ...rest], served);
  }
  if (root === 'apis') {
    if (a === undefined) return { type: 'groups' };
    if (b === undefined) return served.some((r) => r.group === a) ? { type: 'group', group: a } : UNKNOWN;
    return groupVersionPath(a, b, rest, served);
  }
  return UNKNOWN;
}

function groupVersionPath(group: string, version: string, rest: string[], served: readonly ResourceType[]): ApiPath {
  const inVersion = served.filter((r) => r.group === group && r.version === version);
  if (inVersion.length === 0) return UNKNOWN;
  if (rest.length === 0) return { type: 'resources', group, version };
  const find = (plural: string | undefined): ResourceType | undefined => inVersion.find((r) => r.plural === plural);

  // namespaces/{ns}/{plural}/... unless {plural} is not namespaced, in which case it is namespaces/{name}/{subresource}.
  const scoped = rest[0] === 'namespaces' && rest.length >= 3 ? find(rest[2]) : undefined;
  if (scoped?.namespaced) {
    const [, namespace = '', , name, subresource, ...extra] = rest;
    return objectPath(scoped, extra.length > 0, namespace, name, subresource);
  }
  const resource = find(rest[0]);
  if (!resource) return UNKNOWN;
  const [, name, subresource, ...extra] = rest;
  // A namespaced object can only be addressed inside its namespace.
  return objectPath(resource, extra.length > 0 || (resource.namespaced && name !== undefined), undefined, name, subresource);
}

function objectPath(resource: ResourceType, invalid: boolean, namespace?: string, name?: string, subresource?: string): ApiPath {
  if (invalid || (subresource !== undefined && !resource.subresources.includes(subresource))) return UNKNOWN;
  return {
    type: 'resource',
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
  };
}
