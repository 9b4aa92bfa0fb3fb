import { isDns1123Label, isDns1123Subdomain } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';
import { ADMITTED, reject, type Verdict } from './rejection.ts';

/**
 * A path becomes part of a map key (`host/path value`), where whitespace
 * separates fields and control characters end lines; `#` can never match
 * because clients do not send fragments. Everything else is matched
 * byte-for-byte against the raw request path.
 */
const UNSAFE_PATH_CHAR = /[\s\x00-\x1f\x7f#"'\\]/;

/** Quotes user text for a message without letting it span lines or grow unbounded. */
export function quoteForMessage(s: string): string {
  const clipped = s.length > 80 ? `${s.slice(0, 80)}...` : s;
  return JSON.stringify(clipped);
}

export function validateHost(host: string): Verdict {
  if (host === '') return reject('NoHostValue', 'no host value was defined for the route');
  if (!isDns1123Subdomain(host) || !host.split('.').every(isDns1123Label)) {
    return reject(
      'InvalidHost',
      `host name validation errors: spec.host: Invalid value: ${quoteForMessage(host)}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    );
  }
  return ADMITTED;
}

export function validatePath(path: string): Verdict {
  if (path === '') return ADMITTED;
  if (!path.startsWith('/')) {
    return reject('ExtendedValidationFailed', `spec.path: Invalid value: ${quoteForMessage(path)}: path must begin with /`);
  }
  if (UNSAFE_PATH_CHAR.test(path) || path.length > 2048) {
    return reject(
      'ExtendedValidationFailed',
      `spec.path: Invalid value: ${quoteForMessage(path)}: must not contain whitespace, control characters, quotes, backslashes or '#', and must be at most 2048 characters`,
    );
  }
  return ADMITTED;
}

/** Object names end up in backend names and file names: they must be what the API server would accept. */
export function validateNames(route: Route): Verdict {
  const bad: string[] = [];
  if (!isDns1123Label(route.namespace)) bad.push(`metadata.namespace: Invalid value: ${quoteForMessage(route.namespace)}`);
  if (!isDns1123Subdomain(route.name)) bad.push(`metadata.name: Invalid value: ${quoteForMessage(route.name)}`);
  for (const [field, target] of [['spec.to', route.to], ...route.alternateBackends.map((b, i) => [`spec.alternateBackends[${i}]`, b] as const)] as const) {
    if (target.kind !== 'Service') bad.push(`${field}.kind: Unsupported value: ${quoteForMessage(target.kind)}: supported values: "Service"`);
    if (!isDns1123Label(target.name)) bad.push(`${field}.name: Invalid value: ${quoteForMessage(target.name)}`);
  }
  return bad.length === 0 ? ADMITTED : reject('ExtendedValidationFailed', bad.join(', '));
}

/** Routes with TLS arrive with issue #4; until then they are rejected rather than served wrongly. */
export function validateTermination(route: Route): Verdict {
  if (route.tls === undefined) return ADMITTED;
  return reject('RouteNotAdmitted', `spec.tls: termination ${quoteForMessage(route.tls.termination)} is not supported yet by this router`);
}

export function validateWildcardPolicy(route: Route): Verdict {
  if (route.wildcardPolicy === '' || route.wildcardPolicy === 'None') return ADMITTED;
  if (route.wildcardPolicy === 'Subdomain') return reject('RouteNotAdmitted', 'wildcard routes are not allowed');
  return reject('RouteNotAdmitted', `unsupported wildcard policy ${quoteForMessage(route.wildcardPolicy)}`);
}

const CHECKS: readonly ((r: Route) => Verdict)[] = [
  validateNames,
  (r) => validateHost(r.host),
  (r) => validatePath(r.path),
  validateWildcardPolicy,
  validateTermination,
];

/** Runs every per-route check in order and returns the first rejection. */
export function validateRoute(route: Route): Verdict {
  for (const check of CHECKS) {
    const verdict = check(route);
    if (!verdict.ok) return verdict;
  }
  return ADMITTED;
}
