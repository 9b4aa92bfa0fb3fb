import type { Route } from '../domain/route.ts';
import { reject, type Verdict } from './rejection.ts';

/**
 * upstream's RouteSecretManager stage: a route naming a Secret in
 * `spec.tls.externalCertificate` is served only with that Secret's
 * certificate, never with the default one (its clients would get TLS
 * errors). The source reads the Secret (sources/kube/route-secrets.ts);
 * what it could not read rejects the route with upstream's reason.
 */
export function checkExternalCertificate(route: Route): Verdict {
  if (!route.tls?.externalCertificate) return { ok: true };
  const status = route.externalCertificateStatus;
  if (status === undefined) {
    return reject('ExternalCertificateValidationFailed', 'spec.tls.externalCertificate: Secrets are read from the Kubernetes API only; a manifest directory has none to read');
  }
  return status.ok ? { ok: true } : reject('ExternalCertificateValidationFailed', status.problem);
}
