import { compareText } from '../domain/compare.ts';
import { certificatePath } from './certificates.ts';
import { CATCH_ALL_KEY_HOST } from './deep-wildcards.ts';
import type { CertificateFile, MapEntry, SniFrontend } from './model.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * Gateway API deep wildcards and the catch-all serve names no crt-list
 * filter can name (haproxy's `*.example.com` matches one label, and there
 * is no filter for every name), so each of their certificates is the bind
 * certificate of a TLS frontend of its own. `public_ssl` looks a client's
 * SNI up as routing looks a Host up (exact, Route wildcard, deep wildcards
 * longest first, the catch-all) in the hosts TLS routes serve, and hands
 * the connection to a certificate's frontend only when the first key host
 * found is one of that certificate's and no crt-list line can match the
 * name: a deep wildcard's names one label deep keep its crt-list line (so
 * its rotation stays live for them), and a Route's or another route's more
 * specific host keeps its own certificate, or the default one.
 */

/** The map from key host to backend that `public_ssl` reads (rendered from the model; a change reloads). */
export const SNI_FRONTENDS_MAP = 'os_sni_frontends.map';

/**
 * One frontend per certificate, numbered by certificate file; a key host
 * two certificates claim keeps the oldest route's. HTTP/2 is offered as a
 * crt-list line offers it (build-model.ts): only for a certificate nothing
 * else serves, here one key host and no crt-list line but its own
 * (`crtLines`: the crt-list lines naming each file).
 */
export function sniFrontends(terminating: readonly Terminating[], crtLines: ReadonlyMap<string, number>, settings: ConfigSettings): SniFrontend[] {
  const hostsByFile = new Map<string, Set<string>>();
  const routesByFile = new Map<string, Set<string>>();
  const claimed = new Set<string>();
  for (const { keyHost, file, routeKey } of terminating) {
    if (claimed.has(keyHost)) continue;
    claimed.add(keyHost);
    const path = certificatePath(settings.certDir, file);
    hostsByFile.set(path, (hostsByFile.get(path) ?? new Set<string>()).add(keyHost));
    routesByFile.set(path, (routesByFile.get(path) ?? new Set<string>()).add(routeKey));
  }
  return [...hostsByFile.keys()].sort(compareText).map((certFile, i) => {
    const keyHosts = [...(hostsByFile.get(certFile) ?? [])].sort(compareText);
    const routes = [...(routesByFile.get(certFile) ?? [])].sort(compareText);
    const own = keyHosts[0] === CATCH_ALL_KEY_HOST ? 0 : 1;
    return { backend: `be_sni_cert_${i}`, number: i, certFile, keyHosts, routes, alpn: settings.tls.http2 && keyHosts.length === 1 && (crtLines.get(certFile) ?? 0) <= own };
  });
}

/** A route whose certificate serves a key host no crt-list filter can name (route-contribution.ts). */
export interface Terminating {
  keyHost: string;
  file: CertificateFile;
  /** The route's key (`namespace/name`): whose change a reload for its frontend is. */
  routeKey: string;
}

/** The entries of SNI_FRONTENDS_MAP, by key host. */
export function sniFrontendEntries(frontends: readonly SniFrontend[]): MapEntry[] {
  return frontends.flatMap((f) => f.keyHosts.map((key) => ({ key, value: f.backend }))).sort((a, b) => compareText(a.key, b.key));
}

/** The unix socket a frontend listens on, beside `fe_sni`'s (working-paths.ts keeps room for the suffix). */
export function sniFrontendSocket(sniSocketPath: string, number: number): string {
  return `${sniSocketPath}.${number}`;
}
