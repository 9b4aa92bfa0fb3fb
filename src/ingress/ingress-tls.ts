/**
 * How one host of an Ingress terminates TLS, as upstream's ingress-to-route
 * controller decides it (`tlsConfigForIngress`): a host listed in
 * `spec.tls[]`, or any host when `route.openshift.io/termination` names a
 * termination, is served over TLS (edge unless the annotation says
 * reencrypt or passthrough), with plain HTTP redirected. Differences: a
 * `spec.tls[]` entry without `secretName` is served with the router's
 * default certificate (Kubernetes' meaning) where upstream serves nothing,
 * and a Secret whose certificate and key do not validate (as a route's
 * would) leaves its host unserved, with its reason, rather than failing
 * later on one route of the host.
 */
import type { Ingress, IngressSecret, IngressTLS } from '../domain/ingress.ts';
import type { RouteTLS } from '../domain/route.ts';
import { validateRouteTls } from '../tls/validate-route-tls.ts';

export const TERMINATION_ANNOTATION = 'route.openshift.io/termination';
export const DESTINATION_CA_ANNOTATION = 'route.openshift.io/destination-ca-certificate-secret';

const TERMINATIONS: ReadonlySet<string> = new Set(['edge', 'reencrypt', 'passthrough']);
const TLS_SECRET_TYPE = 'kubernetes.io/tls';

/** A Secret as the caller knows it: `pending` while the Secrets of its namespace are still being read. */
export type SecretLookup = (namespace: string, name: string) => IngressSecret | 'pending' | undefined;

export type HostTls =
  /** `note`: served, but not quite as asked (a destination CA Secret that cannot be used). */
  | { kind: 'ok'; tls: RouteTLS | undefined; note?: string }
  /** Not served: why, for the log. */
  | { kind: 'refused'; problem: string }
  | { kind: 'pending' };

/** What is wrong with `secret` as the serving certificate of a host, or undefined when nothing is. */
export function servingSecretProblem(secret: IngressSecret | undefined, id: string): string | undefined {
  if (secret === undefined) return `Secret ${id} not found`;
  if (secret.type !== TLS_SECRET_TYPE) return `Secret ${id} is of type ${JSON.stringify(secret.type)}, not ${TLS_SECRET_TYPE}`;
  for (const key of ['tls.crt', 'tls.key']) {
    if (secret.undecodable.includes(key)) return `Secret ${id}: ${key} is not base64`;
    if ((secret.data[key] ?? '').trim() === '') return `Secret ${id} has no ${key}`;
  }
  if (!/-----BEGIN [A-Z ]*CERTIFICATE-----/.test(secret.data['tls.crt'] ?? '')) return `Secret ${id}: tls.crt holds no PEM certificate`;
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(secret.data['tls.key'] ?? '')) return `Secret ${id}: tls.key holds no PEM private key`;
  return undefined;
}

/** Upstream's `destinationCACertificateForIngress`: a TLS or Opaque Secret's `tls.crt`. */
function destinationCa(ingress: Ingress, secrets: SecretLookup): { ca: string; note?: string } | 'pending' {
  const name = ingress.annotations[DESTINATION_CA_ANNOTATION];
  if (!name) return { ca: '' };
  const id = `${ingress.namespace}/${name}`;
  const secret = secrets(ingress.namespace, name);
  if (secret === 'pending') return secret;
  const ca = secret?.data['tls.crt'] ?? '';
  if (secret && (secret.type === TLS_SECRET_TYPE || secret.type === 'Opaque') && ca.trim() !== '') return { ca };
  return { ca: '', note: `destination CA Secret ${id} ${secret ? 'holds no usable tls.crt' : 'not found'}; pods are verified as for a reencrypt route without one` };
}

/**
 * The TLS of the routes of each host of `ingress` (as written in the rule:
 * `*.` included, as `spec.tls[].hosts` names it). Each host's `spec.tls`
 * entry is found once and each Secret checked once, however many hosts
 * share it: an Ingress may name thousands.
 */
export function ingressTls(ingress: Ingress, secrets: SecretLookup): (ruleHost: string) => HostTls {
  const annotated = ingress.annotations[TERMINATION_ANNOTATION] ?? '';
  const termination = TERMINATIONS.has(annotated) ? annotated : undefined;
  const entries = new Map<string, IngressTLS>();
  for (const t of ingress.tls) for (const host of t.hosts) if (!entries.has(host)) entries.set(host, t);
  const everyHost = ingress.tls.some((t) => t.hosts.length === 0 && t.secretName === '');
  const bySecret = new Map<string, HostTls>();
  return (ruleHost) => {
    const entry = entries.get(ruleHost);
    if (termination === undefined && entry === undefined && !everyHost) return { kind: 'ok', tls: undefined };
    const secretName = entry?.secretName ?? '';
    let decided = bySecret.get(secretName);
    if (decided === undefined) bySecret.set(secretName, (decided = secretTls(ingress, termination ?? 'edge', secretName, secrets)));
    return decided;
  };
}

/** The TLS of the hosts served with `secretName` ("" for the router's default certificate); routes share it, never change it. */
function secretTls(ingress: Ingress, termination: string, secretName: string, secrets: SecretLookup): HostTls {
  const tls: RouteTLS = {
    termination,
    insecureEdgeTerminationPolicy: 'Redirect',
    certificate: '',
    key: '',
    caCertificate: '',
    destinationCACertificate: '',
  };
  if (secretName !== '') {
    const secret = secrets(ingress.namespace, secretName);
    if (secret === 'pending') return { kind: 'pending' };
    const problem = servingSecretProblem(secret, `${ingress.namespace}/${secretName}`);
    if (problem !== undefined) return { kind: 'refused', problem };
    if (tls.termination !== 'passthrough') {
      tls.certificate = secret?.data['tls.crt'] ?? '';
      tls.key = secret?.data['tls.key'] ?? '';
      const checked = validateRouteTls(tls);
      if (!checked.ok) return { kind: 'refused', problem: `Secret ${ingress.namespace}/${secretName}: ${checked.message}` };
    }
  }
  if (tls.termination !== 'reencrypt') return { kind: 'ok', tls };
  const ca = destinationCa(ingress, secrets);
  if (ca === 'pending') return { kind: 'pending' };
  tls.destinationCACertificate = ca.ca;
  return ca.note === undefined ? { kind: 'ok', tls } : { kind: 'ok', tls, note: ca.note };
}
