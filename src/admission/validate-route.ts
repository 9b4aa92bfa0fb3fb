import { isDns1123Label, isDns1123Subdomain, isGeneratedRouteName } from '../domain/names.ts';
import { isSafeRequestMatch } from '../domain/request-match.ts';
import type { Route } from '../domain/route.ts';
import { ADMITTED, aggregateFieldErrors, quoteForMessage, reject, type Verdict } from './rejection.ts';
import { validateTlsFields } from './tls-fields.ts';

/**
 * A path becomes part of a map key (`host/path value`), where whitespace
 * separates fields and control characters end lines. It is matched
 * byte-for-byte against the raw request path, which is visible ASCII: a URI
 * has nothing else (clients percent-encode `é` as `%C3%A9`), haproxy answers
 * an HTTP/1.1 request line with anything else with 400, so a path with a
 * non-ASCII or C1 character (U+0085) could only ever match a malformed
 * HTTP/2 request. `#` and `?` can never match because the path haproxy sees
 * ends before a query and clients do not send fragments.
 */
const UNSAFE_PATH_CHAR = /[^\x21-\x7e]|[#?"'\\]/;
const MAX_PATH = 2048;

/** `spec.path`: empty, or an absolute path that is safe inside a map line. */
export function validatePath(path: string): Verdict {
  if (path === '') return ADMITTED;
  if (!path.startsWith('/')) {
    return reject('ExtendedValidationFailed', `spec.path: Invalid value: ${quoteForMessage(path)}: path must begin with /`);
  }
  if (UNSAFE_PATH_CHAR.test(path) || path.length > MAX_PATH) {
    return reject(
      'ExtendedValidationFailed',
      `spec.path: Invalid value: ${quoteForMessage(path)}: must be visible ASCII (percent-encode anything else) without quotes, backslashes, '?' or '#', and at most ${MAX_PATH} characters`,
    );
  }
  return ADMITTED;
}

/**
 * Object names end up in backend names and file names: they must be what the
 * API server would accept, or the names of routes generated from Ingresses
 * and Gateway API routes (which sources refuse on Routes).
 */
export function validateNames(route: Route): Verdict {
  const bad: string[] = [];
  if (!isDns1123Label(route.namespace)) bad.push(`metadata.namespace: Invalid value: ${quoteForMessage(route.namespace)}`);
  if (!isDns1123Subdomain(route.name) && !isGeneratedRouteName(route.name)) bad.push(`metadata.name: Invalid value: ${quoteForMessage(route.name)}`);
  const targets = [['spec.to', route.to] as const, ...route.alternateBackends.map((b, i) => [`spec.alternateBackends[${i}]`, b] as const)];
  for (const [field, target] of targets) {
    if (target.kind !== 'Service') bad.push(`${field}.kind: Unsupported value: ${quoteForMessage(target.kind)}: supported values: "Service"`);
    if (!isDns1123Label(target.name)) bad.push(`${field}.name: Invalid value: ${quoteForMessage(target.name)}`);
  }
  return bad.length === 0 ? ADMITTED : reject('ExtendedValidationFailed', aggregateFieldErrors(bad));
}

/** Sources check a match's conditions with reasons of their own (src/gateway/request-conditions.ts); this keeps any that slipped past out of the config. */
function validateRequestMatch(route: Route): Verdict {
  if (route.requestMatch === undefined || isSafeRequestMatch(route.requestMatch)) return ADMITTED;
  return reject('ExtendedValidationFailed', 'request match: a method, header or query parameter name or value that cannot be served');
}

const FIELD_CHECKS: readonly ((route: Route) => Verdict)[] = [(route) => validatePath(route.path), validateTlsFields, validateRequestMatch];

/**
 * The per-route field checks that run in the extended validator's place in
 * the chain (names are checked first of all, by validateNames). Unlike upstream's `--extended-validation`, they cannot be turned
 * off: names and paths are spliced into haproxy.config and map files, and a
 * TLS shape haproxy cannot serve must not reach the config either.
 */
export function validateRouteFields(route: Route): Verdict {
  for (const check of FIELD_CHECKS) {
    const verdict = check(route);
    if (!verdict.ok) return verdict;
  }
  return ADMITTED;
}
