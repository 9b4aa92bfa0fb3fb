import { groupVersion, type ResourceType } from './kinds.ts';

function groupInfo(group: string, served: readonly ResourceType[]) {
  const versions = [...new Set(served.filter((r) => r.group === group).map((r) => r.version))]
    .map((version) => ({ groupVersion: groupVersion({ group, version }), version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `GET /api`. */
export function coreVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** `GET /apis`: every named group that is served. */
export function apiGroupList(served: readonly ResourceType[]) {
  const groups = [...new Set(served.map((r) => r.group).filter((g) => g !== ''))];
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => groupInfo(g, served)) };
}

/** `GET /apis/{group}`. */
export function apiGroup(group: string, served: readonly ResourceType[]) {
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupInfo(group, served) };
}

/** `GET /api/v1` or `/apis/{group}/{version}`: resources and their subresources, as clients use to check verbs. */
export function apiResourceList(group: string, version: string, served: readonly ResourceType[]) {
  const resources = served
    .filter((r) => r.group === group && r.version === version)
    .flatMap((r) => [
      { name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs },
      ...r.subresources.map((sub) => ({ name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] })),
    ]);
  // The core group's list carries no apiVersion; named groups' lists do.
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: version, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
