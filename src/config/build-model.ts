import type { EndpointSlice } from '../domain/endpoints.ts';
import { backendName } from '../domain/names.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { mergeMapEntries, routeMapEntries, type RouteMapEntries } from './map-entries.ts';
import type { BackendModel, ConfigModel, ServerModel } from './model.ts';
import { selectEndpoints, type AddressFilter } from './route-servers.ts';
import type { ConfigSettings } from './settings.ts';
import { clampServiceWeight, serverWeights } from './weights.ts';

export interface ModelInput {
  /** Admitted routes, oldest first (map key conflicts go to the oldest). */
  routes: readonly Route[];
  slices: Iterable<EndpointSlice>;
  settings: ConfigSettings;
  allowAddress: AddressFilter;
}

function slicesByService(slices: Iterable<EndpointSlice>): Map<string, EndpointSlice[]> {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const key = `${slice.namespace}/${slice.serviceName}`;
    const group = index.get(key);
    if (group) group.push(slice);
    else index.set(key, [slice]);
  }
  return index;
}

function buildBackend(route: Route, index: Map<string, EndpointSlice[]>, input: ModelInput): BackendModel {
  const targets = [route.to, ...route.alternateBackends];
  const perService = targets.map((t) => ({
    weight: clampServiceWeight(t.weight),
    endpoints: selectEndpoints(route, t.name, index.get(`${route.namespace}/${t.name}`) ?? [], input.allowAddress),
  }));
  const weights = serverWeights(perService.map((s) => ({ weight: s.weight, servers: s.endpoints.length })));
  const activeServices = perService.filter((s) => s.weight > 0 && s.endpoints.length > 0).length;
  const seen = new Set<string>();
  const servers: ServerModel[] = [];
  perService.forEach((service, i) => {
    for (const e of service.endpoints) {
      // A route may name the same service twice (to and an alternate); its servers appear once.
      if (seen.has(e.name)) continue;
      seen.add(e.name);
      servers.push({ name: e.name, ip: e.ip, port: e.port, weight: weights[i] ?? 0, check: false });
    }
  });
  const withHealthChecks = servers.filter((s) => s.weight > 0).length > 1;
  return {
    name: backendName('be_http', route.namespace, route.name),
    routeKey: objectKey(route),
    mode: 'http',
    balance: activeServices > 1 ? 'roundrobin' : input.settings.loadBalanceAlgorithm,
    checkIntervalMs: input.settings.checkIntervalMs,
    servers: withHealthChecks ? servers.map((s) => ({ ...s, check: true })) : servers,
  };
}

/** The pure heart of a commit: admitted routes and endpoints in, the whole configuration as data out. */
export function buildConfigModel(input: ModelInput): ConfigModel {
  const index = slicesByService(input.slices);
  const backends: BackendModel[] = [];
  const entries: RouteMapEntries[] = [];
  for (const route of input.routes) {
    const backend = buildBackend(route, index, input);
    backends.push(backend);
    entries.push(routeMapEntries(route.host, route.path, backend.name));
  }
  const maps = mergeMapEntries(entries);
  backends.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    settings: input.settings,
    backends,
    maps: { 'os_http_be.map': maps.exact, 'os_http_be_prefix.map': maps.prefix },
  };
}
