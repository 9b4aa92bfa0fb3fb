import type { Route } from './route.ts';

/**
 * What a route's annotations ask of its backend, parsed once at admission
 * (admission/route-options.ts): the model reads these, never annotations.
 */
export interface RouteOptions {
  /**
   * `haproxy.router.openshift.io/ip_allowlist`: the only client addresses
   * and ranges the route answers, as canonical text (`10.0.0.0/8`,
   * `2001:db8::1`); undefined answers everyone.
   */
  readonly allowlist: readonly string[] | undefined;
}

export const NO_OPTIONS: RouteOptions = { allowlist: undefined };

/**
 * A route as it is served: `host` is the resolved host (subdomain, hostname
 * template), `tls` the sanitised TLS when the certificate validator returned
 * one, and `options` what its annotations ask for (none when absent).
 * Everything else is the route as written.
 */
export type AdmittedRoute = Route & { readonly options?: RouteOptions };
