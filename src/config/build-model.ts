import { byName, compareText } from '../domain/compare.ts';
import { patchSorted } from '../domain/sorted-arrays.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { slicesByService } from './build-backend.ts';
import { checkServers } from './check-servers.ts';
import { certificatePath } from './certificates.ts';
import { crtListLine } from './crt-list.ts';
import { buildMatchRules } from './match-rules.ts';
import { sniFrontends } from './sni-frontends.ts';
import { routesPerPool, sparePoolSizes } from './spare-pool-sizes.ts';
import { spareBackends } from './spares.ts';
import type { BackendModel, CertificateFile, CheckServerModel, ConfigModel, CrtListEntry, MapFiles } from './model.ts';
import { defaultCaFile, routeContribution, takesOver, type ContributionContext, type MapFileName, type MapWish, type RouteContribution } from './route-contribution.ts';
import { endpointSelector, type AddressFilter } from './route-servers.ts';
import type { ConfigSettings } from './settings.ts';

export interface ModelInput {
  /** Admitted routes (host resolved, TLS sanitised), oldest first: map key conflicts go to the oldest. */
  routes: readonly AdmittedRoute[];
  slices: Iterable<EndpointSlice>;
  settings: ConfigSettings;
  allowAddress: AddressFilter;
  includeUdpEndpoints?: boolean;
  /** PEM of the certificate served when no route's matches (key first). */
  defaultCertificate: string;
  /**
   * PEM of the CA bundle reencrypt routes without destinationCACertificate
   * verify their pods by (with verifyhost). Kept with the route CAs as a
   * model file, so it is loaded live like them; a new one is a new file.
   */
  defaultDestinationCa?: string | undefined;
}

export { routeKeyHost } from './route-contribution.ts';

/** The pure heart of a commit: admitted routes and endpoints in, the whole configuration as data out. */
export function buildConfigModel(input: ModelInput): ConfigModel {
  const slices = slicesByService(input.slices);
  const ctx: ContributionContext = {
    settings: input.settings,
    endpoints: endpointSelector(input.allowAddress, input.includeUdpEndpoints ?? false),
    defaultCa: defaultCaFile(input.defaultDestinationCa),
  };
  return modelFromContributions(
    input.routes.map((route) => routeContribution(route, slices, ctx)),
    input.settings,
    input.defaultCertificate,
  );
}

/** The configuration from every admitted route's contribution, routes oldest first (map key conflicts go to the oldest). */
export function modelFromContributions(contributions: readonly RouteContribution[], settings: ConfigSettings, defaultCertificate: string): ConfigModel {
  const backends = contributions.map((c) => c.backend).sort(byName);
  return assembleModel(
    contributions,
    {
      routeBackends: backends,
      routesPerPool: routesPerPool(backends, settings),
      checks: checkServers(backends, settings),
      maps: mergeWishes(contributions),
      crtList: crtList(servingRoutes(contributions), settings),
    },
    settings,
    defaultCertificate,
  );
}

/**
 * The parts of a model every route feeds and that take sorting or merging
 * over all of them: what a caller that keeps them between builds hands
 * over (DesiredIndex), as modelFromContributions computes them.
 */
export interface ModelParts {
  /** Every route's backend, by name. */
  routeBackends: readonly BackendModel[];
  /** How many of them are of each spare pool's shape (routesPerPool). */
  routesPerPool: ReadonlyMap<string, number>;
  checks: CheckServerModel[];
  maps: MapFiles;
  crtList: CrtListEntry[];
}

/** The configuration from every admitted route's contribution (oldest first) and the parts worked out from them. */
export function assembleModel(contributions: readonly RouteContribution[], parts: ModelParts, settings: ConfigSettings, defaultCertificate: string): ConfigModel {
  const certificates = new Map<string, CertificateFile>();
  for (const c of contributions) for (const f of c.certificates) certificates.set(f.name, f);
  const spares = spareBackends(settings, sparePoolSizes(parts.routesPerPool, settings)).sort(byName);
  return {
    settings,
    // A new array every time: the running index replaces backends in its model's own array.
    backends: patchSorted(parts.routeBackends, [], spares, byName),
    checks: parts.checks,
    maps: parts.maps,
    matchRules: buildMatchRules(contributions),
    crtList: parts.crtList,
    sniFrontends: sniFrontends(contributions.flatMap((c) => (c.terminates ? [c.terminates] : [])), linesPerFile(parts.crtList), settings),
    certificates: [...certificates.values()].sort(byName),
    defaultCertificate,
  };
}

/** The routes serving a certificate, for crtList. */
export function servingRoutes(contributions: readonly RouteContribution[]): ServingRoute[] {
  return contributions.flatMap((c) => (c.serving ? [{ ...c.serving, routeKey: c.key }] : []));
}

/** Map contents from every route's wishes, routes oldest first: for each key, the first explicit wish, else the first one. */
export function mergeWishes(contributions: readonly RouteContribution[]): MapFiles {
  // Winners by file, then key: a joined file-and-key string per wish was most of this function's time at 100,000 routes.
  const winners = new Map<MapFileName, Map<string, MapWish>>();
  for (const c of contributions) {
    for (const w of c.maps) {
      let byKey = winners.get(w.file);
      if (byKey === undefined) winners.set(w.file, (byKey = new Map()));
      if (takesOver(w, byKey.get(w.key))) byKey.set(w.key, w);
    }
  }
  const maps: MapFiles = {
    'os_http_be.map': [],
    'os_http_be_prefix.map': [],
    'os_edge_reencrypt_be.map': [],
    'os_edge_reencrypt_be_prefix.map': [],
    'os_http_be_hosts.map': [],
    'os_edge_reencrypt_be_hosts.map': [],
    'os_sni_passthrough.map': [],
  };
  // The keys sorted alone, by the default order (code units, compareText's), then looked up: about half the time of
  // sorting the entries with a comparator (100,000 entries: 20-30 against 40-55 ms).
  for (const [file, byKey] of winners) {
    const entries = maps[file];
    for (const key of [...byKey.keys()].sort()) entries.push({ key, value: (byKey.get(key) as MapWish).value });
  }
  return maps;
}

/**
 * HTTP/2 is offered per certificate only when it serves one host: browsers
 * coalesce h2 connections across hosts a certificate covers, which would
 * send one route's requests down another's connection. openshift-router
 * offers it only to a certificate of one route; routes of one host on
 * different paths (an Ingress's, each carrying the host's certificate)
 * share any connection anyway, so their certificate keeps it.
 */
export function crtList(serving: readonly ServingRoute[], settings: ConfigSettings): CrtListEntry[] {
  const hosts = new Map<string, Set<string>>();
  for (const s of serving) {
    const snis = hosts.get(s.file.name);
    if (snis) snis.add(s.sni);
    else hosts.set(s.file.name, new Set([s.sni]));
  }
  const lines = new Map<string, CrtListEntry>();
  for (const s of serving) addCrtListEntry(lines, crtListEntry(s, hosts.get(s.file.name)?.size === 1, settings));
  return [...lines.values()].sort(compareCrtListEntries);
}

/** A route's serving certificate, for its SNI. */
export interface ServingRoute {
  file: CertificateFile;
  sni: string;
  routeKey: string;
}

/**
 * Routes of one host (on different paths) that serve the same certificate
 * make one line, named after the first of them by key: whatever order the
 * routes come in, a full build and an incremental one name the same.
 */
export function addCrtListEntry(lines: Map<string, CrtListEntry>, entry: CrtListEntry): void {
  const line = crtListLine(entry);
  const held = lines.get(line);
  if (held?.routeKey === undefined || (entry.routeKey !== undefined && compareText(entry.routeKey, held.routeKey) < 0)) lines.set(line, entry);
}

function linesPerFile(lines: readonly CrtListEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of lines) counts.set(e.certFile, (counts.get(e.certFile) ?? 0) + 1);
  return counts;
}

/** One route's crt-list line; `alone`: the certificate serves this route's host only. */
export function crtListEntry({ file, sni, routeKey }: ServingRoute, alone: boolean, settings: ConfigSettings): CrtListEntry {
  return { certFile: certificatePath(settings.certDir, file), sni, alpn: settings.tls.http2 && alone, routeKey };
}

/** crt-list order: by SNI, then file, then options. */
export function compareCrtListEntries(a: CrtListEntry, b: CrtListEntry): number {
  return compareText(a.sni, b.sni) || compareText(a.certFile, b.certFile) || Number(a.alpn) - Number(b.alpn);
}
