/**
 * Everything about the generated configuration that comes from the operator
 * rather than from routes: the option groups of RouterOptions (src/options.ts)
 * as they are, plus the paths the router chose. The template reads only these
 * and the model, never the environment.
 */
import type { HaproxyLogOptions, HaproxyOptions, ListenOptions, Timeouts, TlsOptions } from '../options.ts';

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
  readonly logging: HaproxyLogOptions;
}
