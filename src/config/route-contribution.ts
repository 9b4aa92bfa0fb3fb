import type { EndpointSlice } from '../domain/endpoints.ts';
import { objectKey } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { buildBackend } from './build-backend.ts';
import { shuffleServers } from './server-order.ts';
import { certificatePath, destinationCaFile, servingCertificateFile, servingPem } from './certificates.ts';
import { CATCH_ALL_KEY_HOST, deepWildcardKeyHost } from './deep-wildcards.ts';
import { routeHostWishes } from './host-kinds.ts';
import { routeMapEntries } from './map-entries.ts';
import { REDIRECT_TO_HTTPS, type BackendModel, type CertificateFile, type MapFiles } from './model.ts';
import type { EndpointSelector } from './route-servers.ts';
import type { ConfigSettings } from './settings.ts';
import type { Terminating } from './sni-frontends.ts';

export type MapFileName = keyof MapFiles;

/** The empty list most contributions hold (no request conditions, no certificate files), shared rather than one per route. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * One map entry a route asks for. Two routes may ask for the same key (`/foo`
 * and `/foo/` both want the prefix `host/foo/`): the route that wrote the
 * trailing slash (`explicit`) wins, as in openshift-router's regex order,
 * then the oldest.
 */
export interface MapWish {
  file: MapFileName;
  key: string;
  value: string;
  explicit: boolean;
}

/** Whether `wish` takes a map key from the wish holding it, wishes coming oldest route first. */
export function takesOver(wish: MapWish, held: MapWish | undefined): boolean {
  return held === undefined || (wish.explicit && !held.explicit);
}

/** Everything one admitted route adds to the configuration. */
export interface RouteContribution {
  key: string;
  route: AdmittedRoute;
  backend: BackendModel;
  maps: MapWish[];
  /**
   * A route with request conditions (`Route.requestMatch`): the map wishes
   * it would have, kept out of the maps, which know host and path alone,
   * for the frontend rules of its host (match-rules.ts). Empty otherwise.
   */
  matched: readonly MapWish[];
  /** Files the configuration refers to for this route: its serving certificate, its destination CA (or the default one). */
  certificates: readonly CertificateFile[];
  /** The certificate it serves its SNI with (edge and reencrypt routes with one). */
  serving: { file: CertificateFile; sni: string } | undefined;
  /**
   * A deep wildcard's or the catch-all's certificate: served by a frontend
   * of its own for the names routing gives its key host that a crt-list
   * line cannot match (sni-frontends.ts); a deep wildcard's names one label
   * deep keep their crt-list line (`serving`), whose rotation is live.
   */
  terminates: Terminating | undefined;
}

/** What contributions are computed with, besides the route and its endpoints. */
export interface ContributionContext {
  settings: ConfigSettings;
  /** Each service's endpoints: the address filter and --include-udp-endpoints, with its answers remembered (see endpointSelector). */
  endpoints: EndpointSelector;
  /** The default destination CA as a model file, when the operator gave one. */
  defaultCa: CertificateFile | undefined;
}

/**
 * Wildcard routes (`www.example.com`, policy Subdomain) serve `*.example.com`:
 * keyed on `.example.com`, or on `*.example.com` when they serve any depth
 * (deep-wildcards.ts), which the frontends look up with their own keys.
 */
export function routeKeyHost(route: AdmittedRoute): string {
  if (route.wildcardPolicy !== 'Subdomain') return route.host;
  return route.deepWildcard ? deepWildcardKeyHost(route.host) : route.host.slice(route.host.indexOf('.'));
}

/** A crt-list SNI filter (haproxy's `*.example.com` matches one label: deeper names have frontends of their own). */
function sniOf(route: AdmittedRoute): string {
  return route.wildcardPolicy === 'Subdomain' ? `*${route.host.slice(route.host.indexOf('.'))}` : route.host;
}

/** The default destination CA as the model file it becomes. */
export function defaultCaFile(pem: string | undefined): CertificateFile | undefined {
  return pem === undefined ? undefined : destinationCaFile(pem);
}

/** The file of a reencrypt route's own destination CA; undefined without one (the default CA verifies its pods). */
export function ownDestinationCa(route: AdmittedRoute): CertificateFile | undefined {
  const tls = route.tls;
  if (tls?.termination !== 'reencrypt' || tls.destinationCACertificate.trim() === '') return undefined;
  return destinationCaFile(`${tls.destinationCACertificate.trim()}\n`);
}

/** The file an edge or reencrypt route serves its own certificate from; undefined without one (the default certificate answers). */
export function servingCertificate(route: AdmittedRoute): CertificateFile | undefined {
  const tls = route.tls;
  return tls && tls.certificate.trim() !== '' ? servingCertificateFile(servingPem(tls)) : undefined;
}

function wishes(file: MapFileName, prefixFile: MapFileName, host: string, path: string, value: string, exactOnly = false): MapWish[] {
  const entries = routeMapEntries(host, path, value, exactOnly);
  return [
    ...entries.exact.map((e) => ({ file, key: e.key, value: e.value, explicit: e.explicit })),
    ...entries.prefix.map((e) => ({ file: prefixFile, key: e.key, value: e.value, explicit: e.explicit })),
  ];
}

/**
 * One route's part of the configuration, from the route and the slices of
 * its services alone: a full build and an incremental one share it, so they
 * cannot disagree.
 */
export function routeContribution(route: AdmittedRoute, slices: ReadonlyMap<string, EndpointSlice[]>, ctx: ContributionContext): RouteContribution {
  const { settings } = ctx;
  const tls = route.tls;
  const certificates: CertificateFile[] = [];
  let destinationCa: { file: string; own: boolean } | undefined;
  if (tls?.termination === 'reencrypt') {
    const own = ownDestinationCa(route);
    const file = own ?? ctx.defaultCa;
    if (file) {
      certificates.push(file);
      destinationCa = { file: certificatePath(settings.certDir, file), own: own !== undefined };
    }
  }
  const built = buildBackend({ route, slices: slices as Map<string, EndpointSlice[]>, settings, endpoints: ctx.endpoints, destinationCa });
  const backend = settings.serverOrderSeed === undefined ? built : shuffleServers(built, settings.serverOrderSeed);
  const keyHost = routeKeyHost(route);
  const policy = tls?.insecureEdgeTerminationPolicy ?? '';
  const maps: MapWish[] = [];
  let serving: RouteContribution['serving'];
  let terminates: RouteContribution['terminates'];
  const servingFile = servingCertificate(route);
  switch (backend.termination) {
    case 'http':
      maps.push(...wishes('os_http_be.map', 'os_http_be_prefix.map', keyHost, route.path, backend.name, route.exactPath));
      break;
    case 'edge':
    case 'reencrypt':
      maps.push(...wishes('os_edge_reencrypt_be.map', 'os_edge_reencrypt_be_prefix.map', keyHost, route.path, backend.name, route.exactPath));
      if (policy === 'Allow') maps.push(...wishes('os_http_be.map', 'os_http_be_prefix.map', keyHost, route.path, backend.name, route.exactPath));
      if (policy === 'Redirect') maps.push(...wishes('os_http_be.map', 'os_http_be_prefix.map', keyHost, route.path, REDIRECT_TO_HTTPS, route.exactPath));
      if (servingFile) {
        certificates.push(servingFile);
        if (route.deepWildcard) terminates = { keyHost, file: servingFile, routeKey: objectKey(route) };
        // No crt-list filter names every host.
        if (keyHost !== CATCH_ALL_KEY_HOST) serving = { file: servingFile, sni: sniOf(route) };
      }
      break;
    case 'passthrough':
      maps.push({ file: 'os_sni_passthrough.map', key: keyHost, value: backend.name, explicit: false });
      if (policy === 'Redirect') maps.push(...wishes('os_http_be.map', 'os_http_be_prefix.map', keyHost, '', REDIRECT_TO_HTTPS));
      break;
  }
  const conditional = route.requestMatch !== undefined && backend.termination !== 'passthrough';
  const hosts = settings.deepWildcards ? routeHostWishes(route, keyHost, maps) : [];
  return {
    // The backend's own copy of the key: one string per route, not two.
    key: backend.routeKey,
    route,
    backend,
    maps: conditional ? hosts : hosts.length === 0 ? maps : [...maps, ...hosts],
    matched: conditional ? maps : NONE,
    certificates: certificates.length === 0 ? NONE : certificates,
    serving,
    terminates,
  };
}
