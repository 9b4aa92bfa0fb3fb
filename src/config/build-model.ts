import { byName, compareText } from '../domain/compare.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { slicesByService } from './build-backend.ts';
import { checkServers } from './check-servers.ts';
import { certificatePath } from './certificates.ts';
import { spareBackends } from './spares.ts';
import type { CertificateFile, ConfigModel, CrtListEntry, MapEntry, MapFiles } from './model.ts';
import { defaultCaFile, routeContribution, type ContributionContext, type MapWish, type RouteContribution } from './route-contribution.ts';
import type { AddressFilter } from './route-servers.ts';
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
  const { settings } = input;
  const slices = slicesByService(input.slices);
  const ctx: ContributionContext = { settings, allowAddress: input.allowAddress, includeUdp: input.includeUdpEndpoints ?? false, defaultCa: defaultCaFile(input.defaultDestinationCa) };
  const contributions = input.routes.map((route) => routeContribution(route, slices, ctx));
  const backends = contributions.map((c) => c.backend);
  const certificates = new Map<string, CertificateFile>();
  for (const c of contributions) for (const f of c.certificates) certificates.set(f.name, f);
  const maps = mergeWishes(contributions);
  return {
    settings,
    backends: [...backends, ...spareBackends(settings)].sort(byName),
    checks: checkServers(backends, settings),
    maps,
    crtList: crtList(contributions.flatMap((c) => (c.serving ? [c.serving] : [])), settings),
    certificates: [...certificates.values()].sort(byName),
    defaultCertificate: input.defaultCertificate,
  };
}

/** Map contents from every route's wishes, routes oldest first: for each key, the first explicit wish, else the first one. */
function mergeWishes(contributions: readonly RouteContribution[]): MapFiles {
  const winners = new Map<string, MapWish>();
  for (const c of contributions) {
    for (const w of c.maps) {
      const id = `${w.file}\u0000${w.key}`;
      const held = winners.get(id);
      if (!held || (w.explicit && !held.explicit)) winners.set(id, w);
    }
  }
  const maps: MapFiles = { 'os_http_be.map': [], 'os_http_be_prefix.map': [], 'os_edge_reencrypt_be.map': [], 'os_edge_reencrypt_be_prefix.map': [], 'os_sni_passthrough.map': [] };
  for (const w of winners.values()) maps[w.file].push({ key: w.key, value: w.value });
  for (const entries of Object.values(maps)) entries.sort((a: MapEntry, b: MapEntry) => compareText(a.key, b.key));
  return maps;
}

/**
 * HTTP/2 is offered per certificate only when no other route serves the same
 * certificate: browsers coalesce h2 connections across hosts a certificate
 * covers, which would send one route's requests down another's connection
 * (openshift-router's rule).
 */
export function crtList(serving: readonly { file: CertificateFile; sni: string }[], settings: ConfigSettings): CrtListEntry[] {
  const uses = new Map<string, number>();
  for (const s of serving) uses.set(s.file.pem, (uses.get(s.file.pem) ?? 0) + 1);
  return serving
    .map(({ file, sni }) => ({
      certFile: certificatePath(settings.certDir, file),
      sni,
      alpn: settings.tls.http2 && uses.get(file.pem) === 1,
    }))
    .sort((a, b) => compareText(a.sni, b.sni) || compareText(a.certFile, b.certFile));
}
