/**
 * Everything about the generated configuration that comes from the operator
 * rather than from routes. Settings enter once, typed, from RouterOptions; the
 * template reads only these and the model, never the environment.
 */
export interface TlsSettings {
  /** Refuse handshakes whose SNI matches no certificate instead of answering with the default one. */
  strictSni: boolean;
  /** `ssl-default-bind-ciphers` (TLS <= 1.2), already resolved from modern/intermediate/old. */
  ciphers: string;
  /** `ssl-default-bind-ciphersuites` (TLS 1.3); undefined keeps OpenSSL's. */
  ciphersuites: string | undefined;
  minVersion: string;
  maxVersion: string | undefined;
  /** `tune.ssl.default-dh-param`: 1024 for the "old" profile, else 2048. */
  dhParamBits: number;
  /** Offer HTTP/2 by ALPN (ROUTER_DISABLE_HTTP2 turns it off). */
  http2: boolean;
  /** Session-ticket keys shared by every generation, so TLS resumption survives reloads. */
  ticketKeysPath: string;
}

export interface ConfigSettings {
  /** Address the public frontends bind to; "" binds every address as openshift-router does. */
  bindAddress: string;
  httpPort: number;
  httpsPort: number;
  /** Already sized to the open-file limit (see haproxy/fd-limit.ts). */
  maxConnections: number;
  threads: number | undefined;
  hardStopAfterMs: number | undefined;
  bufSize: number;
  maxRewrite: number;
  /** Absolute path of the worker's admin socket (runtime API). */
  adminSocketPath: string;
  /** Where route certificates and destination CAs are written (content-addressed files). */
  certDir: string;
  /** Unix sockets that chain the TLS-inspecting frontend into the terminating ones. */
  sniSocketPath: string;
  noSniSocketPath: string;
  timeouts: {
    connectMs: number;
    clientMs: number;
    clientFinMs: number;
    serverMs: number;
    serverFinMs: number;
    httpRequestMs: number;
    httpKeepAliveMs: number;
    tunnelMs: number;
    inspectDelayMs: number;
  };
  /** Balance for HTTP backends with at most one active service (ROUTER_LOAD_BALANCE_ALGORITHM). */
  loadBalanceAlgorithm: string;
  checkIntervalMs: number;
  /** ROUTER_COOKIE_NAME: one sticky-cookie name for every route; else each route's routing key name. */
  cookieName: string | undefined;
  /** Spare backends of each shape (http, edge, passthrough) that new routes take over without a reload. */
  sparesPerShape: number;
  tls: TlsSettings;
}
