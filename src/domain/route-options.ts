import type { ForwardedHeaderPolicy, HeaderAction } from '../traffic-options.ts';
import type { Route } from './route.ts';

/** `spec.httpHeaders.actions` as admitted, in the route's order. */
export interface RouteHeaderActions {
  readonly request: readonly HeaderAction[];
  readonly response: readonly HeaderAction[];
}

/** `spec.httpHeaders.actions` as admitted, in the route's order. */
export interface RouteHeaderActions {
  readonly request: readonly HeaderAction[];
  readonly response: readonly HeaderAction[];
}

/**
 * `haproxy.router.openshift.io/rate-limit-connections.*`, per client address
 * and route: concurrent connections (HTTP: requests in flight), connections
 * (HTTP: requests) per 3 s, HTTP requests per 10 s, and the status a client
 * over its HTTP rate gets (`.status-code`; none closes the connection, as
 * upstream).
 */
export interface RateLimits {
  readonly concurrent?: number;
  readonly tcpRate?: number;
  readonly httpRate?: number;
  readonly status?: number;
}

/**
 * The statuses haproxy 2.6 can deny a request with (`deny_status`: those it
 * has an error message for), which `.status-code` may name.
 */
export const DENY_STATUSES: readonly number[] = [200, 400, 401, 403, 404, 405, 407, 408, 410, 413, 425, 429, 500, 501, 502, 503, 504];

/** `router.openshift.io/cookie-same-site`. */
export type SameSite = 'Lax' | 'Strict' | 'None';

/**
 * What a route's annotations ask of its backend, parsed once at admission
 * (admission/route-options.ts): the model reads these, never annotations.
 * Every field is undefined when its annotation is absent or invalid.
 */
export interface RouteOptions {
  /**
   * `haproxy.router.openshift.io/ip_allowlist`: the only client addresses
   * and ranges the route answers, as canonical text (`10.0.0.0/8`,
   * `2001:db8::1`); undefined answers everyone.
   */
  readonly allowlist: readonly string[] | undefined;
  /** `haproxy.router.openshift.io/timeout`, in milliseconds. */
  readonly timeoutMs?: number | undefined;
  /** `haproxy.router.openshift.io/timeout-tunnel`, in milliseconds. */
  readonly tunnelTimeoutMs?: number | undefined;
  /** `haproxy.router.openshift.io/hsts_header`, without optional whitespace (`max-age=31536000;includeSubDomains`). */
  readonly hsts?: string | undefined;
  /** `haproxy.router.openshift.io/balance`: roundrobin, leastconn, source or random. */
  readonly balance?: string | undefined;
  /** `haproxy.router.openshift.io/disable_cookies` read as true. */
  readonly cookiesDisabled?: boolean | undefined;
  /** `router.openshift.io/cookie_name`. */
  readonly cookieName?: string | undefined;
  /** `router.openshift.io/cookie-same-site`. */
  readonly cookieSameSite?: SameSite | undefined;
  /**
   * `haproxy.router.openshift.io/rewrite-target`: the replacement of the
   * route's path as upstream sanitizes it (admission/rewrite-target.ts),
   * and whether the value was `/` alone, which also takes the path's
   * trailing slash.
   */
  readonly rewriteTarget?: { readonly replacement: string; readonly root: boolean } | undefined;
  /** `haproxy.router.openshift.io/pod-concurrent-connections`: `maxconn` of every server (0: no limit). */
  readonly podMaxConn?: number | undefined;
  /** `router.openshift.io/haproxy.health.check.interval`, in milliseconds. */
  readonly checkIntervalMs?: number | undefined;
  /** `haproxy.router.openshift.io/h1-adjust-case` read as true. */
  readonly h1AdjustCase?: boolean | undefined;
  /** `haproxy.router.openshift.io/set-forwarded-headers`. */
  readonly forwardedHeaders?: ForwardedHeaderPolicy | undefined;
  /** `haproxy.router.openshift.io/rate-limit-connections` on, with at least one limit. */
  readonly rateLimits?: RateLimits | undefined;
  /** `spec.httpHeaders.actions` (a route field, checked with the annotations). */
  readonly headerActions?: RouteHeaderActions | undefined;
}

export const NO_OPTIONS: RouteOptions = { allowlist: undefined };

/**
 * A route as it is served: `host` is the resolved host (subdomain, hostname
 * template), `tls` the sanitised TLS when the certificate validator returned
 * one, and `options` what its annotations ask for (none when absent).
 * Everything else is the route as written.
 */
export type AdmittedRoute = Route & { readonly options?: RouteOptions };
