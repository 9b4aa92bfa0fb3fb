import type { Route, RouteTLS } from '../domain/route.ts';
import type { TlsValidator, TlsVerdict } from './admit-routes.ts';
import { objectMemo } from '../domain/object-memo.ts';

/**
 * Admission runs on every commit over every route, but certificate checks
 * cost real crypto: verdicts are remembered by certificate material, and
 * material no route used during a whole pass is forgotten at the next
 * `endPass()`, so memory follows the live set of certificates.
 */
export interface CachedTlsValidator {
  validate: TlsValidator;
  endPass(): void;
}

/**
 * Verdicts by material, looked up field by field: the sources share
 * identical PEM text between routes, so a lookup hashes strings whose hash
 * is already known, where one key joining the four fields was built and
 * hashed anew for every route (about 5 KB each for the scale bench's edge
 * and reencrypt routes).
 */
class ByMaterial {
  private readonly byCertificate = new Map<string, Map<string, Map<string, Map<string, TlsVerdict>>>>();

  get(tls: RouteTLS): TlsVerdict | undefined {
    return this.byCertificate.get(tls.certificate)?.get(tls.key)?.get(tls.caCertificate)?.get(tls.destinationCACertificate);
  }

  set(tls: RouteTLS, verdict: TlsVerdict): void {
    const byKey = within(this.byCertificate, tls.certificate);
    within(within(byKey, tls.key), tls.caCertificate).set(tls.destinationCACertificate, verdict);
  }
}

function within<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let inner = map.get(key);
  if (!inner) map.set(key, (inner = new Map()));
  return inner;
}

type PemField = 'certificate' | 'key' | 'caCertificate' | 'destinationCACertificate';

/** The fields a route keeps of its own when it takes cached PEM; the type fails to check if RouteTLS gains one not listed. */
const OWN_FIELDS: Record<Exclude<keyof RouteTLS, PemField>, true> = { termination: true, insecureEdgeTerminationPolicy: true, externalCertificate: true };
const ownFields = (tls: RouteTLS) =>
  Object.keys(OWN_FIELDS)
    .map((k) => tls[k as keyof typeof OWN_FIELDS] ?? '\u0001')
    .join('\u0000');

export function cachedTlsValidator(check: (tls: RouteTLS) => TlsVerdict): CachedTlsValidator {
  let current = new ByMaterial();
  let previous = new ByMaterial();
  // Routes with the same material and the same own fields share one sanitised TLS (thousands of routes share a
  // wildcard certificate): kept as long as the verdict is.
  const copies = objectMemo<TlsVerdict, Map<string, TlsVerdict>>('tls copies');
  return {
    validate(route: Route): TlsVerdict {
      if (!route.tls) return { ok: true };
      let verdict = current.get(route.tls);
      if (verdict === undefined) {
        verdict = previous.get(route.tls) ?? check(route.tls);
        current.set(route.tls, verdict);
      }
      if (!verdict.ok || !verdict.tls) return verdict;
      // PEM already canonical, as it mostly is: the route stays as it came, sharing the source's text, instead of
      // a copy of it and of its TLS per route (kept as the admitted route).
      if (samePem(verdict.tls, route.tls)) return AS_IS;
      // The cached sanitised PEM belongs to whichever route was seen first; keep this route's own non-PEM fields.
      let byOwn = copies.get(verdict);
      if (!byOwn) copies.set(verdict, (byOwn = new Map()));
      const own = ownFields(route.tls);
      let copy = byOwn.get(own);
      if (!copy) byOwn.set(own, (copy = { ok: true, tls: { ...route.tls, ...pemFields(verdict.tls) } }));
      return copy;
    },
    endPass() {
      previous = current;
      current = new ByMaterial();
    },
  };
}

const AS_IS: TlsVerdict = { ok: true };

function samePem(a: RouteTLS, b: RouteTLS): boolean {
  return a.certificate === b.certificate && a.key === b.key && a.caCertificate === b.caCertificate && a.destinationCACertificate === b.destinationCACertificate;
}

function pemFields(tls: RouteTLS): Pick<RouteTLS, PemField> {
  return { certificate: tls.certificate, key: tls.key, caCertificate: tls.caCertificate, destinationCACertificate: tls.destinationCACertificate };
}
