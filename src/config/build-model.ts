import { byName, compareText } from '../domain/compare.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { Route } from '../domain/route.ts';
import { buildBackend, slicesByService } from './build-backend.ts';
import { checkServers } from './check-servers.ts';
import { certificateFile, certificatePath, servingPem } from './certificates.ts';
import { shuffleServers } from './server-order.ts';
import { spareBackends } from './spares.ts';
import { mergeMapEntries, routeMapEntries, type RouteMapEntries } from './map-entries.ts';
import { REDIRECT_TO_HTTPS, type BackendModel, type CertificateFile, type ConfigModel, type CrtListEntry, type MapEntry } from './model.ts';
import type { AddressFilter } from './route-servers.ts';
import type { ConfigSettings } from './settings.ts';

export interface ModelInput {
  /** Admitted routes (host resolved, TLS sanitised), oldest first: map key conflicts go to the oldest. */
  routes: readonly Route[];
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

/** Wildcard routes (`www.example.com`, policy Subdomain) serve `*.example.com`: keyed on `.example.com`. */
export function routeKeyHost(route: Route): string {
  return route.wildcardPolicy === 'Subdomain' ? route.host.slice(route.host.indexOf('.')) : route.host;
}

function sniOf(route: Route): string {
  return route.wildcardPolicy === 'Subdomain' ? `*${routeKeyHost(route)}` : route.host;
}

/** The pure heart of a commit: admitted routes and endpoints in, the whole configuration as data out. */
export function buildConfigModel(input: ModelInput): ConfigModel {
  const { settings } = input;
  const slices = slicesByService(input.slices);
  const backends: BackendModel[] = [];
  const http: RouteMapEntries[] = [];
  const terminated: RouteMapEntries[] = [];
  const passthrough: MapEntry[] = [];
  const certificates = new Map<string, CertificateFile>();
  const servingCerts: { route: Route; file: CertificateFile }[] = [];

  // `_default` is no namespace (DNS-1123 has no `_`): the name cannot be a route's.
  const defaultCa = input.defaultDestinationCa === undefined ? undefined : certificateFile('destca', '_default', 'ca', input.defaultDestinationCa);

  for (const route of input.routes) {
    const tls = route.tls;
    let destinationCa: { file: string; own: boolean } | undefined;
    if (tls?.termination === 'reencrypt') {
      const own = tls.destinationCACertificate.trim() !== '';
      const file = own ? certificateFile('destca', route.namespace, route.name, `${tls.destinationCACertificate.trim()}\n`) : defaultCa;
      if (file) {
        certificates.set(file.name, file);
        destinationCa = { file: certificatePath(settings.certDir, file), own };
      }
    }
    const built = buildBackend({ route, slices, settings, allowAddress: input.allowAddress, includeUdp: input.includeUdpEndpoints ?? false, destinationCa });
    const backend = settings.serverOrderSeed === undefined ? built : shuffleServers(built, settings.serverOrderSeed);
    backends.push(backend);
    const keyHost = routeKeyHost(route);
    const policy = tls?.insecureEdgeTerminationPolicy ?? '';
    switch (backend.termination) {
      case 'http':
        http.push(routeMapEntries(keyHost, route.path, backend.name));
        break;
      case 'edge':
      case 'reencrypt':
        terminated.push(routeMapEntries(keyHost, route.path, backend.name));
        if (policy === 'Allow') http.push(routeMapEntries(keyHost, route.path, backend.name));
        if (policy === 'Redirect') http.push(routeMapEntries(keyHost, route.path, REDIRECT_TO_HTTPS));
        if (tls && tls.certificate.trim() !== '') {
          const file = certificateFile('cert', route.namespace, route.name, servingPem(tls));
          certificates.set(file.name, file);
          servingCerts.push({ route, file });
        }
        break;
      case 'passthrough':
        passthrough.push({ key: keyHost, value: backend.name });
        if (policy === 'Redirect') http.push(routeMapEntries(keyHost, '', REDIRECT_TO_HTTPS));
        break;
    }
  }

  const httpMaps = mergeMapEntries(http);
  const terminatedMaps = mergeMapEntries(terminated);
  return {
    settings,
    backends: [...backends, ...spareBackends(settings)].sort(byName),
    checks: checkServers(backends, settings),
    maps: {
      'os_http_be.map': httpMaps.exact,
      'os_http_be_prefix.map': httpMaps.prefix,
      'os_edge_reencrypt_be.map': terminatedMaps.exact,
      'os_edge_reencrypt_be_prefix.map': terminatedMaps.prefix,
      'os_sni_passthrough.map': dedupeByKey(passthrough),
    },
    crtList: crtList(servingCerts, settings),
    certificates: [...certificates.values()].sort(byName),
    defaultCertificate: input.defaultCertificate,
  };
}

function dedupeByKey(entries: MapEntry[]): MapEntry[] {
  const seen = new Map<string, MapEntry>();
  for (const e of entries) if (!seen.has(e.key)) seen.set(e.key, e);
  return [...seen.values()].sort((a, b) => compareText(a.key, b.key));
}

/**
 * HTTP/2 is offered per certificate only when no other route serves the same
 * certificate: browsers coalesce h2 connections across hosts a certificate
 * covers, which would send one route's requests down another's connection
 * (openshift-router's rule).
 */
function crtList(serving: { route: Route; file: CertificateFile }[], settings: ConfigSettings): CrtListEntry[] {
  const uses = new Map<string, number>();
  for (const s of serving) uses.set(s.file.pem, (uses.get(s.file.pem) ?? 0) + 1);
  return serving
    .map(({ route, file }) => ({
      certFile: certificatePath(settings.certDir, file),
      sni: sniOf(route),
      alpn: settings.tls.http2 && uses.get(file.pem) === 1,
    }))
    .sort((a, b) => compareText(a.sni, b.sni) || compareText(a.certFile, b.certFile));
}
