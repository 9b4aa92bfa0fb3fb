/**
 * Everything about the generated configuration that comes from the operator
 * rather than from routes. Settings enter once, typed, from RouterOptions; the
 * template reads only these and the model, never the environment.
 */
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
  /** Balance for backends with at most one active service (ROUTER_LOAD_BALANCE_ALGORITHM). */
  loadBalanceAlgorithm: string;
  checkIntervalMs: number;
}
