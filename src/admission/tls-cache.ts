import type { Route, RouteTLS } from '../domain/route.ts';
import type { TlsValidator, TlsVerdict } from './admit-routes.ts';

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

function materialKey(tls: RouteTLS): string {
  return JSON.stringify([tls.certificate, tls.key, tls.caCertificate, tls.destinationCACertificate]);
}

export function cachedTlsValidator(check: (tls: RouteTLS) => TlsVerdict): CachedTlsValidator {
  let current = new Map<string, TlsVerdict>();
  let previous = new Map<string, TlsVerdict>();
  return {
    validate(route: Route): TlsVerdict {
      if (!route.tls) return { ok: true };
      const key = materialKey(route.tls);
      let verdict = current.get(key) ?? previous.get(key);
      if (verdict === undefined) verdict = check(route.tls);
      current.set(key, verdict);
      if (!verdict.ok || !verdict.tls) return verdict;
      // The cached sanitised PEM belongs to whichever route was seen first; keep this route's own non-PEM fields.
      return { ok: true, tls: { ...route.tls, ...pemFields(verdict.tls) } };
    },
    endPass() {
      previous = current;
      current = new Map();
    },
  };
}

function pemFields(tls: RouteTLS): Pick<RouteTLS, 'certificate' | 'key' | 'caCertificate' | 'destinationCACertificate'> {
  return { certificate: tls.certificate, key: tls.key, caCertificate: tls.caCertificate, destinationCACertificate: tls.destinationCACertificate };
}
