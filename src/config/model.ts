import type { BackendTermination } from '../domain/names.ts';
import type { RateLimits, RouteHeaderActions, SameSite } from '../domain/route-options.ts';
import type { ForwardedHeaderPolicy } from '../traffic-options.ts';
import type { MatchRule } from './match-rules.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * One haproxy `server` line's worth of data; see server-line.ts for its text.
 * A route server runs no health check of its own: it follows (`track`) the
 * check server of its endpoint (see check-servers.ts), found by checkKey.
 */
export interface ServerModel {
  name: string;
  ip: string;
  port: number;
  weight: number;
}

/**
 * A check slot (see checkServerRef): the one health check of an endpoint, which
 * every route server sending traffic to that endpoint the same way tracks.
 * haproxy lets a server added at runtime track only a server of the
 * configuration, and never deletes a server the configuration tracks, so
 * check servers are slots: rendered in the configuration (free ones in
 * maintenance), taken over live by a new endpoint with `set server addr`,
 * and given back when its last tracker leaves.
 */
export interface CheckServerModel {
  name: string;
  /** The endpoint checked; undefined for a free slot. */
  target: { ip: string; port: number } | undefined;
  /**
   * For a slot given back while running: the endpoint it still points at,
   * which takes it back before any other free slot, so a pod returning while
   * its servers wait for their deletion finds them following the same slot
   * (and can be revived).
   */
  lastTarget: { ip: string; port: number } | undefined;
  /**
   * A TLS handshake (reencrypt pods) rather than a TCP connect. It does not
   * verify the pod's certificate (traffic does): one check per pod, whatever
   * CA each route verifies it by.
   */
  tls: boolean;
  intervalMs: number;
  /**
   * Whether the check runs: only when a backend tracking it has another
   * weighted server to fail over to, as openshift-router declares checks
   * only for routes with more than one endpoint. Otherwise it is switched
   * off and its trackers count as up.
   */
  active: boolean;
}

/** How a reencrypt backend talks TLS to its pods. */
export type ServerTls =
  | { verify: 'none'; alpn: boolean }
  | { verify: 'required'; caFile: string; verifyHost: string | undefined; alpn: boolean };

/**
 * Sticky sessions: `cookie <name> insert indirect nocache httponly dynamic`.
 * Server cookies are derived by haproxy from `key` and each server's address
 * (dynamic cookies), never written on the server lines: haproxy 2.6 refuses
 * `cookie` on `add server`, and derived values come out the same for a
 * server loaded from the file and one added at runtime, before and after
 * any reload.
 */
export interface BackendCookie {
  name: string;
  /** `dynamic-cookie-key`; the runtime API can change it (`set dynamic-cookie-key`), so a spare can take a route's. */
  key: string;
  /** `secure attr SameSite=<sameSite>`: TLS routes whose plain-HTTP policy is not Allow, as openshift-router. */
  secure: boolean;
  /** `None` unless the route's `cookie-same-site` says otherwise. */
  sameSite: SameSite;
  /**
   * The route named its cookie (`cookie_name`): the name is the point, so
   * it never runs under a spare's (see plan/fit-to-running.ts held).
   */
  named: boolean;
}

export interface BackendModel {
  name: string;
  /** `namespace/name` of the route this backend serves. */
  routeKey: string;
  termination: BackendTermination;
  mode: 'http' | 'tcp';
  balance: string;
  checkIntervalMs: number;
  /** Only for reencrypt. */
  serverTls: ServerTls | undefined;
  /** Every HTTP backend; passthrough (TCP) has no cookies. */
  cookie: BackendCookie | undefined;
  /**
   * Client addresses and ranges the backend answers (the route's
   * ip_allowlist); undefined answers everyone. Data: the entries live in
   * the backend's ACL file (config/allowlists.ts), which the runtime API
   * changes, when it has one.
   */
  allowlist: readonly string[] | undefined;
  /**
   * Whether the backend matches clients against its ACL file: backends of
   * routes with an allowlist, and every spare (whose file answers everyone
   * until a route takes it), so a route keeps or takes a backend with one
   * whatever its allowlist becomes.
   */
  allowlistAcl: boolean;
  /**
   * The route's `timeout` and `timeout-tunnel`, in ms. HTTP backends read
   * them from maps keyed by backend name (config/backend-maps.ts), so they
   * are data; passthrough ones are config lines (`timeout tunnel`).
   */
  timeoutMs: number | undefined;
  tunnelTimeoutMs: number | undefined;
  /** Edge and reencrypt: the route's Strict-Transport-Security value, from a map keyed by backend name. */
  hsts: string | undefined;
  /**
   * The route's `spec.httpHeaders.actions`: config lines (haproxy takes a
   * header's name only as a constant), so a change reloads.
   */
  headerActions: RouteHeaderActions | undefined;
  /** `maxconn` of every server (pod-concurrent-connections): on server lines, and set live on running servers. */
  serverMaxConn: number | undefined;
  /** `option h1-case-adjust-bogus-server` (h1-adjust-case, with global case adjustments): a line, so a change reloads. */
  h1CaseAdjust: boolean;
  /** HTTP: the route's `set-forwarded-headers`, from a map keyed by backend name that the frontends read. */
  forwardedHeaders: ForwardedHeaderPolicy | undefined;
  /** The route's rate limits, from maps keyed by backend name (config/rate-limits.ts). */
  rateLimits: RateLimits | undefined;
  /** `http-request replace-path <pattern> <replacement>` (rewrite-target): a config line, so a change reloads. */
  rewrite: { pattern: string; replacement: string } | undefined;
  /** A Gateway API route's redirect and rewrite (config/route-filters.ts): config lines, so a change reloads. */
  filterLines: readonly string[];
  servers: ServerModel[];
}

/**
 * The option fields of a backend whose route sets none (a spare waiting for
 * a route, a plain route), in one place so that a new option field is
 * given its empty value once.
 */
export const NO_ROUTE_OPTIONS = {
  allowlist: undefined,
  timeoutMs: undefined,
  tunnelTimeoutMs: undefined,
  hsts: undefined,
  headerActions: undefined,
  rewrite: undefined,
  filterLines: [],
  rateLimits: undefined,
  serverMaxConn: undefined,
  h1CaseAdjust: false,
  forwardedHeaders: undefined,
} as const satisfies Partial<BackendModel>;

export interface MapEntry {
  key: string;
  value: string;
}

/**
 * Map files by name. HTTP maps are keyed on `host+path` (`map` exact, then
 * `map_beg` longest prefix); wildcard routes use the parent domain with a
 * leading dot (`.example.com/path`), which no exact host can start with, and
 * are only consulted after the exact host missed. Values are backend names,
 * or REDIRECT_TO_HTTPS on port 80.
 */
export interface MapFiles {
  /** Port 80: routes without TLS, and edge/reencrypt routes with insecure policy Allow or Redirect. */
  'os_http_be.map': MapEntry[];
  'os_http_be_prefix.map': MapEntry[];
  /** TLS terminated here: edge and reencrypt routes. */
  'os_edge_reencrypt_be.map': MapEntry[];
  'os_edge_reencrypt_be_prefix.map': MapEntry[];
  /** The hosts HTTP routes serve, by who serves them (host-kinds.ts): which answer a request no route took gets. */
  'os_http_be_hosts.map': MapEntry[];
  'os_edge_reencrypt_be_hosts.map': MapEntry[];
  /** Passthrough by SNI (exact host, or `.parent` for wildcards) to be_tcp backends. */
  'os_sni_passthrough.map': MapEntry[];
}

/** The value an HTTP map entry has when the route wants plain HTTP redirected to HTTPS. */
export const REDIRECT_TO_HTTPS = '_redirect_to_https';

/** A certificate file haproxy loads; `name` is content-addressed so a file never changes once written. */
export interface CertificateFile {
  name: string;
  pem: string;
}

/** One line of the crt-list (`cert_config.map`): which certificate answers which SNI. */
export interface CrtListEntry {
  certFile: string;
  sni: string;
  alpn: boolean;
  /**
   * The route (`namespace/name`) whose certificate the line serves, the
   * first by key when routes of one host share it; not rendered. A reload
   * the line forces is charged to its namespace's budget (reload-budget.ts).
   * Absent on entries read back from a line's text (crt-list.ts).
   */
  routeKey?: string;
}

/**
 * A TLS frontend of its own for one certificate of Gateway API deep
 * wildcards (`*.example.com`, any depth) and of the catch-all (`*.0`, a
 * listener and a route that both leave the host name open). haproxy's
 * crt-list matches a wildcard one label deep and has no "any name" filter,
 * so their certificate is this frontend's bind certificate, which answers
 * every SNI `public_ssl` hands it: those whose most specific key host, as
 * routing looks it up, is one of `keyHosts` (sni-frontends.ts).
 */
export interface SniFrontend {
  /** `be_sni_cert_<n>`: the TCP backend `public_ssl` picks, and with its frontend and socket the same number. */
  backend: string;
  number: number;
  certFile: string;
  /** Sorted; each key host in one frontend only. */
  keyHosts: string[];
  /** The routes whose key hosts these are, sorted: what a reload for this frontend is charged to (plan/reload-reasons.ts); not rendered. */
  routes: string[];
  /** `alpn h2,http/1.1` on its bind (sni-frontends.ts). */
  alpn: boolean;
}

/** The whole generated configuration as data, before any text. */
export interface ConfigModel {
  settings: ConfigSettings;
  /** Sorted by name so the rendered file is stable. */
  backends: BackendModel[];
  /** The check slots, by slot number. */
  checks: CheckServerModel[];
  maps: MapFiles;
  /** Hosts some route matches by method, headers or query parameters: rules in the frontends, in order (match-rules.ts). */
  matchRules: MatchRule[];
  crtList: CrtListEntry[];
  /** Certificates served for deep wildcards and the catch-all, a frontend each: a change reloads. */
  sniFrontends: SniFrontend[];
  /** Route certificates and destination CAs the config refers to (by absolute path via certDir). */
  certificates: CertificateFile[];
  /**
   * PEM (key, certificate, chain) of the certificate served when no route's
   * matches, and to clients without SNI. Every generation holds it as
   * DEFAULT_CERTIFICATE_FILE, one name for every generation, so a new one
   * goes live with `set ssl cert` and the next load reads the same.
   */
  defaultCertificate: string;
}
