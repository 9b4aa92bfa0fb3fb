import type { Route, RouteTLS } from '../domain/route.ts';
import { chainLimitErrors } from '../tls/chain-limits.ts';
import { ADMITTED, aggregateFieldErrors, quoteForMessage, reject, type Verdict } from './rejection.ts';

const PASSTHROUGH_FORBIDDEN: readonly [keyof RouteTLS, string][] = [
  ['certificate', 'redacted certificate data'],
  ['key', 'redacted key data'],
  ['caCertificate', 'redacted ca certificate data'],
  ['destinationCACertificate', 'redacted destination ca certificate data'],
];

function terminationErrors(route: Route, tls: RouteTLS): string[] {
  switch (tls.termination) {
    case 'reencrypt':
      // Certificates are optional: a route without one is served with the default certificate.
      return [];
    case 'edge':
      return tls.destinationCACertificate === ''
        ? []
        : ['spec.tls.destinationCACertificate: Invalid value: "redacted destination ca certificate data": edge termination does not support destination certificates'];
    case 'passthrough': {
      // The API server refuses this; routes from manifests never met it. haproxy routes passthrough by SNI alone.
      const errors = route.path === '' ? [] : [`spec.path: Invalid value: ${quoteForMessage(route.path)}: passthrough termination does not support paths`];
      for (const [field, redacted] of PASSTHROUGH_FORBIDDEN) {
        if (tls[field] !== '') errors.push(`spec.tls.${field}: Invalid value: "${redacted}": passthrough termination does not support certificates`);
      }
      return errors;
    }
    default:
      return [`spec.tls.termination: Unsupported value: ${quoteForMessage(tls.termination)}: supported values: "edge", "passthrough", "reencrypt"`];
  }
}

function insecurePolicyError(tls: RouteTLS): string | undefined {
  const policy = tls.insecureEdgeTerminationPolicy;
  if (policy === '') return undefined;
  const field = `spec.tls.insecureEdgeTerminationPolicy: Invalid value: ${quoteForMessage(policy)}`;
  switch (tls.termination) {
    case 'edge':
    case 'reencrypt':
      return policy === 'None' || policy === 'Allow' || policy === 'Redirect'
        ? undefined
        : `${field}: invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Allow, Redirect, or empty`;
    case 'passthrough':
      // Allow would serve the passthrough backend's TLS bytes as plain HTTP on port 80.
      return policy === 'None' || policy === 'Redirect'
        ? undefined
        : `${field}: invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Redirect, or empty`;
    default:
      // The termination error already explains the route; upstream adds nothing for it.
      return undefined;
  }
}

/**
 * The structural part of upstream's extended validation (`validateTLS` in
 * routeapihelpers, plus library-go's passthrough-path rule): which TLS fields
 * each termination may carry, which insecure policies it supports, and how
 * much certificate material it may carry (tls/chain-limits.ts). Needs
 * no crypto, so it runs for every route; certificate contents are the
 * `validateTls` hook's business. All errors are reported at once, in
 * Kubernetes' aggregate style, with certificate data redacted.
 */
export function validateTlsFields(route: Route): Verdict {
  const tls = route.tls;
  if (tls === undefined) return ADMITTED;
  const errors = terminationErrors(route, tls);
  const policyError = insecurePolicyError(tls);
  if (policyError !== undefined) errors.push(policyError);
  errors.push(...chainLimitErrors(tls));
  return errors.length === 0 ? ADMITTED : reject('ExtendedValidationFailed', aggregateFieldErrors(errors));
}
