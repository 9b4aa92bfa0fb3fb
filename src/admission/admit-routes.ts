import { errorMessage } from '../errors.ts';
import { objectKey, type Route, type RouteTLS } from '../domain/route.ts';
import { NO_OPTIONS, type AdmittedRoute } from '../domain/route-options.ts';
import { admitHost } from './host-admitter.ts';
import { HostOwnership, validateHost } from './host-ownership.ts';
import { toOneLine, type Rejection, type Verdict } from './rejection.ts';
import { resolveHost } from './resolve-host.ts';
import { parseRouteOptions } from './route-options.ts';
import { checkExternalCertificate } from './external-certificate.ts';
import { sortOldestFirst } from './route-age.ts';
import type { AdmissionSettings } from './settings.ts';
import { validateNames, validateRouteFields } from './validate-route.ts';
import { WildcardClaims } from './wildcard-claims.ts';

/**
 * What the certificate validator (the crypto half of upstream's extended
 * validation) says about a route: `tls`, when given, replaces the route's
 * TLS with its sanitised PEM.
 */
export type TlsVerdict = { ok: true; tls?: RouteTLS } | { ok: false; message: string };

/** Checks and sanitises a TLS route's certificates; expensive, so it only sees routes that passed everything else. */
export type TlsValidator = (route: Route) => TlsVerdict;

export type { AdmittedRoute };

/** One commit's admission decision for every route it was given. */
export interface AdmissionResult {
  /** Admitted routes, oldest first. */
  admitted: AdmittedRoute[];
  /** Rejections by `namespace/name`. */
  rejected: Map<string, Rejection>;
  /** Admitted routes with annotations the router could not honour, by `namespace/name`: what it says about them. */
  notices: Map<string, string>;
  /**
   * The routes decided on, as written, by `namespace/name`: what a later step
   * of the same commit must read them as (the source may have moved on).
   */
  considered: ReadonlyMap<string, Route>;
}

function withResolvedHost(route: Route, settings: AdmissionSettings): Route {
  const host = resolveHost(route, settings);
  // Unchanged routes keep their identity: most routes set spec.host and need no copy.
  return host === route.host ? route : { ...route, host };
}

type Outcome = { served: Route } | { rejection: Rejection };

function firstRejection(route: Route, chain: readonly ((route: Route) => Verdict)[]): { rejection: Rejection } | undefined {
  for (const check of chain) {
    const verdict = check(route);
    if (!verdict.ok) return { rejection: { reason: verdict.reason, message: verdict.message } };
  }
  return undefined;
}

function checkCertificates(route: Route, validateTls: TlsValidator | undefined): Outcome {
  // Upstream's extended validation has nothing to check on a route without TLS.
  if (validateTls === undefined || route.tls === undefined) return { served: route };
  const result = validateTls(route);
  if (!result.ok) return { rejection: { reason: 'ExtendedValidationFailed', message: toOneLine(result.message) } };
  return { served: result.tls === undefined ? route : { ...route, tls: result.tls } };
}

/**
 * Decides which routes are served, recomputed from the whole set on every
 * commit. Routes are taken oldest first through upstream's plugin chain:
 * host resolution, host admitter (domain lists, wildcard policy, wildcard
 * claims), unique host (host validity, namespace ownership, host+path
 * uniqueness), then the field checks and annotations the router refuses
 * to serve without (rate limits, until implemented), routes held back by the caller
 * (`held`: haproxy refused their files) and finally the certificate
 * validator. The first failing stage rejects the route.
 *
 * A route that passed the host stages holds its host even when a later
 * stage rejects it, as upstream's UniqueHost does: a tenant whose route
 * breaks (a rotation with a mismatched key, a bad path, a certificate
 * haproxy refuses) keeps its host unserved rather than handing it to
 * another namespace. Every holder is older than the route being checked,
 * so nothing is ever displaced after the fact and one pass suffices.
 *
 * @param validateTls the certificate validator; without it only the
 *   structural TLS checks run
 * @param held routes kept out with a rejection of the caller's, by key
 */
export function admitRoutes(
  routes: Iterable<Route>,
  settings: AdmissionSettings,
  validateTls?: TlsValidator,
  held: ReadonlyMap<string, Rejection> = new Map(),
): AdmissionResult {
  const wildcards = new WildcardClaims(settings);
  const hosts = new HostOwnership(settings);
  const hostStages: readonly ((route: Route) => Verdict)[] = [
    // Names and host syntax first: every later stage puts them in its messages and keys.
    validateNames,
    (route) => validateHost(route.host),
    (route) => admitHost(route, settings),
    (route) => wildcards.check(route),
    (route) => hosts.check(route),
  ];
  const laterStages: readonly ((route: Route) => Verdict)[] = [validateRouteFields, checkExternalCertificate];
  const admitted: AdmittedRoute[] = [];
  const rejected = new Map<string, Rejection>();
  const notices = new Map<string, string>();
  const considered = new Map<string, Route>();
  for (const original of sortOldestFirst(routes)) {
    const key = objectKey(original);
    considered.set(key, original);
    // A check that throws on what one tenant wrote (a certificate the TLS library cannot read, say) rejects that
    // route alone: thrown out of here, it would fail the commit of every route, or the router's start.
    try {
      const route = withResolvedHost(original, settings);
      const hostRejection = firstRejection(route, hostStages);
      if (hostRejection) {
        rejected.set(key, hostRejection.rejection);
        continue;
      }
      wildcards.claim(route);
      hosts.claim(route);
      const heldBack = held.get(key);
      const outcome = firstRejection(route, laterStages) ?? (heldBack ? { rejection: heldBack } : checkCertificates(route, validateTls));
      if ('rejection' in outcome) {
        rejected.set(key, outcome.rejection);
        continue;
      }
      const { options, notice } = parseRouteOptions(route);
      if (notice !== undefined) notices.set(key, notice);
      admitted.push(options === NO_OPTIONS ? outcome.served : { ...outcome.served, options });
    } catch (err) {
      rejected.set(key, { reason: 'RouteNotAdmitted', message: toOneLine(`the router could not check this route: ${errorMessage(err)}`) });
    }
  }
  return { admitted, rejected, notices, considered };
}
