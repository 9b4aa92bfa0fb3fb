/**
 * Everything about the generated configuration that comes from the operator
 * rather than from routes: the option groups of RouterOptions (src/options.ts)
 * as they are, plus the paths the router chose. The template reads only these
 * and the model, never the environment.
 */
import type { HaproxyLogOptions, HaproxyOptions, ListenOptions, Timeouts, TlsOptions } from '../options.ts';
import type { ErrorPageOptions, HttpOptions } from '../traffic-options.ts';

/**
 * What the public frontend answers by itself when the router's readiness
 * asks whether haproxy serves (openshift-router's path, so probes written
 * for it work).
 */
export const INTERNAL_HEALTH_PATH = '/_______internal_router_healthz';

/** haproxy's own stats page (`listen stats`), served when --metrics-type does not name the router's server. */
export interface StatsPageSettings {
  /** An IP literal; "" binds every address. */
  readonly host: string;
  readonly port: number;
  /** `stats auth`; undefined: no page, only /healthz, as openshift-router. */
  readonly auth: { readonly user: string; readonly password: string } | undefined;
}

export interface TlsSettings extends TlsOptions {
  /** Session-ticket keys shared by every generation, so TLS resumption survives reloads. */
  readonly ticketKeysPath: string;
}

export interface ConfigSettings extends ListenOptions, HaproxyOptions {
  /** Absolute path of the worker's admin socket (runtime API). */
  readonly adminSocketPath: string;
  /** Where route certificates and destination CAs are written (content-addressed files). */
  readonly certDir: string;
  /** Unix sockets that chain the TLS-inspecting frontend into the terminating ones. */
  readonly sniSocketPath: string;
  readonly noSniSocketPath: string;
  readonly timeouts: Timeouts;
  /** Spare backends of each shape (http, edge, passthrough) that new routes take over without a reload. */
  readonly sparesPerShape: number;
  readonly tls: TlsSettings;
  /** A path the public frontend answers by itself (`monitor-uri`): INTERNAL_HEALTH_PATH when the router's health server runs. */
  readonly monitorUri: string | undefined;
  readonly statsPage: StatsPageSettings | undefined;
  readonly logging: HaproxyLogOptions;
  readonly http: HttpOptions;
  readonly errorPages: ErrorPageOptions;
  /** With shuffleServers: this router's own order of each backend's servers, stable from commit to commit (see server-order.ts). */
  readonly serverOrderSeed: number | undefined;
  /** The frontends look Gateway API's wildcards up (deep-wildcards.ts): with --enable-gateway-api. */
  readonly deepWildcards: boolean;
}
