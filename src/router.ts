import { mkdir, readFile } from 'node:fs/promises';
import { cachedTlsValidator } from './admission/tls-cache.ts';
import type { RouterOptions } from './cli/parse-options.ts';
import { EMBEDDED_ASSETS } from './config/embedded-assets.ts';
import { createRenderer } from './config/render.ts';
import type { ConfigSettings } from './config/settings.ts';
import { createCommitter, type CommitOutcome } from './commit/committer.ts';
import type { Source } from './domain/events.ts';
import { CertStore } from './haproxy/cert-store.ts';
import { ConfigStore } from './haproxy/config-store.ts';
import { followOperatorFiles } from './haproxy/operator-files.ts';
import { writeTicketKeys } from './haproxy/ticket-keys.ts';
import { readOpenFileLimit } from './haproxy/fd-limit.ts';
import { HaproxySupervisor, type SupervisorHooks } from './haproxy/supervisor.ts';
import { lockWorkingDir } from './haproxy/working-dir-lock.ts';
import { RouterShutdown, type ShutdownState } from './lifecycle/shutdown.ts';
import type { Logger } from './log.ts';
import { apiEndpointFilter } from './config/endpoint-address.ts';
import { objectKey, type Route } from './domain/route.ts';
import { connectKube } from './sources/kube/connect.ts';
import { ManifestSource } from './sources/manifest/manifest-source.ts';
import { StatusWriter, type RouteVerdict } from './status/status-writer.ts';
import { createRuntimeClient, type RuntimeClient } from './haproxy/runtime-api/runtime-client.ts';
import { CommitScheduler } from './state/commit-scheduler.ts';
import { validateRouteTls } from './tls/validate-route-tls.ts';
import { RouterState } from './state/router-state.ts';
import { checkSocketPaths, workingPaths, type WorkingPaths } from './working-paths.ts';

export interface RunningRouter {
  /** Resolves once every change seen so far is committed (tests await it). */
  flush(): Promise<void>;
  /** Graceful stop (SIGTERM): readiness fails at once, haproxy serves for the graceful delay, then drains and stops. */
  stop(): Promise<void>;
  /** Stops haproxy without waiting (a second signal); also cuts short a stop or hand-over in progress. */
  stopNow(): Promise<void>;
  /** Stops the router and leaves haproxy serving, for the next router on this working dir to take over (SIGUSR2). */
  handOver(): Promise<void>;
  readonly shutdown: ShutdownState;
  readonly supervisor: HaproxySupervisor;
  readonly store: ConfigStore;
  /** The route status writer, when routes come from the API and --update-status is on. */
  readonly status: StatusWriter | undefined;
  lastCommit(): CommitOutcome | undefined;
  /** Resolves after the next commit completes (whatever its outcome). */
  nextCommit(): Promise<CommitOutcome | undefined>;
  /** Reloads so far by reason (what the logs say, counted). */
  readonly reloadCounts: ReadonlyMap<string, number>;
}

export interface RouterDeps {
  logger: Logger;
  /** Overrides the source chosen by the options (tests). */
  source?: Source;
  /** Environment for kubeconfig loading (KUBECONFIG, in-cluster variables); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Wraps the runtime API client (tests inject failures into it). */
  wrapRuntime?: (client: RuntimeClient) => RuntimeClient;
  supervisorHooks?: SupervisorHooks;
}

/** Delay before a commit that threw is tried again. */
const COMMIT_RETRY_MS = 2000;

/** Files the router writes once at start and the config names. */
export interface ResolvedFiles {
  ticketKeysPath: string;
}

export function settingsFromOptions(options: RouterOptions, paths: WorkingPaths, files: ResolvedFiles): ConfigSettings {
  const h = options.haproxy;
  const tls = options.tls;
  return {
    bindAddress: options.bindAddress,
    httpPort: options.httpPort,
    httpsPort: options.httpsPort,
    maxConnections: options.maxConnections,
    threads: h.threads,
    hardStopAfterMs: h.hardStopAfterMs,
    bufSize: h.bufSize,
    maxRewrite: h.maxRewrite,
    adminSocketPath: paths.adminSocket,
    certDir: paths.certDir,
    sniSocketPath: paths.sniSocket,
    noSniSocketPath: paths.noSniSocket,
    timeouts: {
      connectMs: h.connectTimeoutMs,
      clientMs: h.clientTimeoutMs,
      clientFinMs: h.clientFinTimeoutMs,
      serverMs: h.serverTimeoutMs,
      serverFinMs: h.serverFinTimeoutMs,
      httpRequestMs: h.httpRequestTimeoutMs,
      httpKeepAliveMs: h.httpKeepAliveTimeoutMs,
      tunnelMs: h.tunnelTimeoutMs,
      inspectDelayMs: h.inspectDelayMs,
    },
    loadBalanceAlgorithm: h.loadBalanceAlgorithm,
    checkIntervalMs: h.checkIntervalMs,
    cookieName: h.cookieName,
    sparesPerShape: options.runtimeUpdates ? options.sparesPerShape : 0,
    tls: {
      strictSni: tls.strictSni,
      ciphers: tls.ciphers,
      ciphersuites: tls.ciphersuites,
      minVersion: tls.minVersion,
      maxVersion: tls.maxVersion,
      dhParamBits: tls.dhParamBits,
      http2: tls.http2,
      ticketKeysPath: files.ticketKeysPath,
    },
  };
}

/** The source the options name, the endpoint policy that goes with it, and the status writer when there is one. */
function createSource(options: RouterOptions, logger: Logger, env: RouterDeps['env']) {
  const src = options.source;
  if (src.kind === 'manifests') {
    // The manifest directory is written by the host's admin: its endpoints are trusted, loopback included.
    return { source: new ManifestSource({ dir: src.dir, logger: logger.withTag('manifests') }) as Source, allowAddress: () => true, status: undefined };
  }
  if (src.allowLoopbackEndpoints) logger.warn('--allow-loopback-endpoints: endpoints from the API may point at this host\'s own loopback ports');
  let status: StatusWriter | undefined;
  const kube = connectKube(src, env ?? process.env, logger, (key) => status?.recheck(key));
  if (options.status.update) {
    status = new StatusWriter({
      api: kube.api.customObjects,
      records: kube.source,
      identity: { routerName: options.routerName, canonicalHostname: options.status.canonicalHostname },
      contentionWindowMs: options.status.contentionWindowMs,
      logger,
    });
  }
  return { source: kube.source as Source, allowAddress: apiEndpointFilter({ allowLoopback: src.allowLoopbackEndpoints }), status };
}

/** Each known route's verdict, for its status entry: admitted routes with their resolved host. */
function verdictsOf(routes: ReadonlyMap<string, Route>, outcome: CommitOutcome): Map<string, RouteVerdict> {
  const admitted = new Map(outcome.admitted.map((r) => [objectKey(r), r]));
  const verdicts = new Map<string, RouteVerdict>();
  for (const [key, route] of routes) {
    const served = admitted.get(key);
    verdicts.set(key, { host: (served ?? route).host, wildcardPolicy: route.wildcardPolicy, rejection: outcome.rejections.get(key) });
  }
  return verdicts;
}

/**
 * Wires sources -> state -> scheduler -> commit -> haproxy and returns once
 * the first configuration is serving. Fails (without leaving haproxy behind)
 * when that first configuration cannot be served.
 */
export async function startRouter(options: RouterOptions, deps: RouterDeps): Promise<RunningRouter> {
  const paths = workingPaths(options.workingDir);
  checkSocketPaths(paths);
  await mkdir(paths.workingDir, { recursive: true });
  // Before anything in the working dir changes: a second router there would take the first one's sockets.
  const lock = lockWorkingDir(paths.workingDir);
  return startLocked(options, deps, paths, lock.release).catch((err: unknown) => {
    lock.release();
    throw err;
  });
}

async function startLocked(options: RouterOptions, deps: RouterDeps, paths: WorkingPaths, releaseWorkingDir: () => void): Promise<RunningRouter> {
  const log = deps.logger.withTag('router');
  await mkdir(paths.run, { recursive: true, mode: 0o750 });
  const template = options.templatePath ? await readFile(options.templatePath, 'utf8') : EMBEDDED_ASSETS.template;
  const render = createRenderer({ ...EMBEDDED_ASSETS, template });
  const store = new ConfigStore(paths.workingDir);
  await store.init();
  const certs = new CertStore(paths.certDir);
  await certs.init();
  const files: ResolvedFiles = { ticketKeysPath: await writeTicketKeys(paths.certDir) };
  const operatorFiles = await followOperatorFiles(options.tls, paths.certDir, log, () => scheduler.request());
  const supervisor = new HaproxySupervisor({
    haproxyBinary: options.haproxyBinary,
    configPath: store.configPath,
    masterSocketPath: paths.masterSocket,
    adminSocketPath: paths.adminSocket,
    pidFile: paths.pidFile,
    drainTimeoutMs: options.shutdown.drainTimeoutMs,
    logger: deps.logger,
    hooks: deps.supervisorHooks,
    // A worker the supervisor restarted gets the runtime fix-ups the applied model needs, in turn with commits
    // (a start or reload by a commit has had them already).
    onRestarted: () => {
      committer.workerRestarted();
      scheduler.requestNow();
    },
  });
  const state = new RouterState();
  const wiring = deps.source
    ? { source: deps.source, allowAddress: () => true, status: undefined }
    : createSource(options, deps.logger, deps.env);
  const committer = createCommitter({
    state,
    admission: options.admission,
    tlsValidator: options.extendedValidation ? cachedTlsValidator(validateRouteTls) : undefined,
    render,
    settings: settingsFromOptions(options, paths, files),
    certs,
    fdLimit: readOpenFileLimit(),
    allowAddress: wiring.allowAddress,
    includeUdpEndpoints: options.includeUdpEndpoints,
    store,
    supervisor,
    runtime: (deps.wrapRuntime ?? ((c) => c))(createRuntimeClient(paths.adminSocket, { bufSize: options.haproxy.bufSize })),
    runtimeUpdates: options.runtimeUpdates,
    reloadIntervalMs: options.intervalMs,
    commitIntervalMs: options.commitIntervalMs,
    haproxyBinary: options.haproxyBinary,
    logger: deps.logger,
    requestCommit: () => scheduler.request(),
    defaultCertificate: operatorFiles.defaultCertificate,
    defaultDestinationCa: operatorFiles.defaultDestinationCa,
  });
  let last: CommitOutcome | undefined;
  let firstError: unknown;
  let commitListeners: ((o: CommitOutcome | undefined) => void)[] = [];
  const notifyCommit = (outcome: CommitOutcome | undefined) => {
    last = outcome;
    const listeners = commitListeners;
    commitListeners = [];
    for (const l of listeners) l(outcome);
  };
  const scheduler = new CommitScheduler(
    async () => {
      try {
        const outcome = await committer.commit();
        wiring.status?.update(verdictsOf(state.routes, outcome));
        notifyCommit(outcome);
        return outcome;
      } catch (err) {
        notifyCommit(undefined);
        throw err;
      }
    },
    (err) => {
      firstError ??= err;
      log.error(`commit failed: ${err instanceof Error ? err.message : String(err)}`);
      // Once haproxy runs, a failed commit (a full disk, a busy socket) is tried again rather than forgotten.
      if (supervisor.supervising) setTimeout(() => scheduler.request(), COMMIT_RETRY_MS);
    },
  );
  const source = wiring.source;
  await source.start({
    apply(events) {
      if (state.apply(events)) scheduler.request();
    },
    synced() {
      scheduler.enable();
    },
  });
  // An empty source still gets a serving haproxy (every host answers 503).
  scheduler.request();
  await scheduler.flush();

  const stopIntake = async () => {
    operatorFiles.stop();
    wiring.status?.stop();
    await source.stop();
    await scheduler.stop();
  };
  if (!supervisor.supervising) {
    await stopIntake();
    await supervisor.stop();
    throw firstError instanceof Error ? firstError : new Error('haproxy did not start');
  }
  const shutdown = new RouterShutdown({ gracefulDelayMs: options.shutdown.gracefulDelayMs, stopIntake, supervisor, releaseWorkingDir, log });
  log.info(`router ready: serving ${state.routes.size} routes on port ${options.httpPort}`);
  return {
    flush: () => scheduler.flush(),
    stop: () => shutdown.stop(),
    stopNow: () => shutdown.stopNow(),
    handOver: () => shutdown.handOver(),
    shutdown,
    supervisor,
    store,
    status: wiring.status,
    lastCommit: () => last,
    reloadCounts: committer.reloadCounts,
    nextCommit: () => new Promise((resolve) => commitListeners.push(resolve)),
  };
}
