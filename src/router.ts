import { edenGC } from 'bun:jsc';
import { availableParallelism } from 'node:os';
import { cachedTlsValidator } from './admission/tls-cache.ts';
import { createRenderer } from './config/render.ts';
import { errorMessage } from './errors.ts';
import { createCommitter } from './commit/committer.ts';
import { CommitTimeline } from './commit/commit-timeline.ts';
import { logObserver, reloadCounter } from './commit/log-observer.ts';
import type { CommitOutcome } from './commit/outcome.ts';
import { diskWriter, haproxyChecker } from './haproxy/commit-ports.ts';
import type { ConfigChecker } from './commit/ports.ts';
import { DesiredState } from './plan/desired-state.ts';
import type { Source } from './domain/events.ts';
import { CertStore } from './haproxy/cert-store.ts';
import { ConfigStore } from './haproxy/config-store.ts';
import { ThreadWriter, type BatchWriter } from './haproxy/file-writer.ts';
import { followOperatorFiles } from './haproxy/operator-files.ts';
import { loadRendererAssets } from './haproxy/renderer-assets.ts';
import { startTicketKeyRotation, type TicketKeyRotation } from './haproxy/ticket-key-rotation.ts';
import { writeTicketKeys } from './haproxy/ticket-keys.ts';
import { readOpenFileLimit } from './haproxy/fd-limit.ts';
import { checkHaproxyBinary, haproxyHasLua } from './haproxy/haproxy-version.ts';
import { threadCountText, warnAboutThreadCount } from './haproxy/thread-cost.ts';
import { HaproxySupervisor, type SupervisorHooks } from './haproxy/supervisor.ts';
import { openLogChannel, type LogChannel } from './haproxy/log-channel.ts';
import { readStatsCredentials } from './http/credentials.ts';
import { startObservability } from './http/observability.ts';
import { checkWorkingDir, prepareWorkingDir } from './haproxy/working-dir.ts';
import { lockWorkingDir } from './haproxy/working-dir-lock.ts';
import { RouterShutdown, type ShutdownState } from './lifecycle/shutdown.ts';
import type { Logger } from './log.ts';
import type { RouterOptions } from './options.ts';
import { trustedEndpointFilter } from './sources/endpoint-filter.ts';
import { createSource } from './sources/create-source.ts';
import type { GatewayStatusWriter } from './status/gateway-status-writer.ts';
import type { IngressEventWriter } from './status/ingress-events.ts';
import type { IngressStatusWriter } from './status/ingress-status-writer.ts';
import type { StatusWriter } from './status/status-writer.ts';
import { verdictsOf } from './status/verdicts.ts';
import { WriteGate } from './status/write-gate.ts';
import { StartTimeline } from './start-timeline.ts';
import { checkSocketPaths, workingPaths, type WorkingPaths } from './working-paths.ts';
import { createRuntimeClient, type RuntimeClient } from './haproxy/runtime-api/runtime-client.ts';
import { CommitScheduler } from './state/commit-scheduler.ts';
import { validateRouteTls } from './tls/validate-route-tls.ts';
import { RouterState } from './state/router-state.ts';
import { settingsFromOptions, type ResolvedFiles } from './router-settings.ts';
import { idleCollection, rendersEverything, threadCpuMs, unrefEvery } from './commit/idle-collection.ts';

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
  /** The Ingress status writer, when Ingresses come from the API too. */
  readonly ingressStatus: IngressStatusWriter | undefined;
  readonly ingressEvents: IngressEventWriter | undefined;
  /** The Gateway API status writer, when Gateway API objects come from the API too. */
  readonly gatewayStatus: GatewayStatusWriter | undefined;
  lastCommit(): CommitOutcome | undefined;
  /** Resolves after the next commit completes (whatever its outcome), a change committed aside during a reload included. */
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
  /** Wraps the `haproxy -c` checker (tests hold a check to make changes arrive during it). */
  wrapChecker?: (checker: ConfigChecker) => ConfigChecker;
  /** Wraps the writer of in-place configuration updates (tests make it fail as a full disk does). */
  wrapFileWriter?: (writer: BatchWriter) => BatchWriter;
  supervisorHooks?: SupervisorHooks;
  /** Between every two steps of a reload's render (tests hold a render there; see CommitterDeps.renderTurn). */
  renderTurn?: () => Promise<void>;
  /** Replaces the collection once idle after a start or a reload (tests see when it runs). */
  collectWhenIdle?: () => void;
  /** The CPUs haproxy may run on (default: this process's, os.availableParallelism); tests claim many. */
  cpus?: () => number;
  /**
   * Aborted when the process stops before the start is done: haproxy is then
   * never started or taken over (the stop deals with one a previous router left).
   */
  startAbandoned?: AbortSignal;
}

/** Delay before a commit that threw is tried again. */
const COMMIT_RETRY_MS = 2000;

/**
 * Wires sources -> state -> scheduler -> commit -> haproxy and returns once
 * the first configuration is serving. Fails (without leaving haproxy behind)
 * when that first configuration cannot be served.
 */
export async function startRouter(options: RouterOptions, deps: RouterDeps): Promise<RunningRouter> {
  const log = deps.logger.withTag('router');
  for (const warning of options.warnings) log.warn(warning);
  for (const note of options.notes) log.info(note);
  const paths = workingPaths(options.workingDir);
  checkSocketPaths(paths);
  const haproxy = await checkHaproxyBinary(options.haproxyBinary);
  log.info(`using haproxy ${haproxy.text} (${options.haproxyBinary}), ${threadCountText(options.haproxy.threads, deps.cpus?.() ?? availableParallelism())}`);
  await checkWorkingDir(paths.workingDir);
  // Before anything in the working dir changes: a second router there would take the first one's sockets.
  const lock = lockWorkingDir(paths.workingDir);
  let logs: LogChannel | undefined;
  const release = () => {
    logs?.close();
    lock.release();
  };
  return prepareWorkingDir(paths)
    .then(() => startLocked(options, deps, paths, (logs = openLogChannel(deps.logger, paths.logFifo)), release, haproxy.text))
    .catch((err: unknown) => {
      release();
      throw err;
    });
}

async function startLocked(options: RouterOptions, deps: RouterDeps, paths: WorkingPaths, logs: LogChannel, releaseWorkingDir: () => void, haproxyVersion: string): Promise<RunningRouter> {
  const log = deps.logger.withTag('router');
  const render = createRenderer(await loadRendererAssets(options, (message) => log.warn(message)));
  const fileWriter = new ThreadWriter((reason) => deps.logger.warn(`${reason}; in-place configuration updates are written on the main thread from now on`));
  const certs = new CertStore(paths.certDir);
  await certs.init();
  const diskLog = deps.logger.withTag('files');
  const store = new ConfigStore(paths.workingDir, (deps.wrapFileWriter ?? ((w) => w))(fileWriter), [certs], {
    failed: (err) =>
      diskLog.error(`cannot write the configuration's files in ${paths.workingDir}: ${errorMessage(err)}; haproxy runs changes its files do not hold yet (a restart of haproxy would serve the older ones); trying again`),
    recovered: () => diskLog.info(`the configuration's files in ${paths.workingDir} are written again`),
  });
  await store.init();
  const files: ResolvedFiles = { ticketKeysPath: await writeTicketKeys(paths.certDir) };
  const statsAuth = await readStatsCredentials(options.stats);
  const operatorFiles = await followOperatorFiles(options.operatorTls, paths.certDir, log, () => scheduler.changed());
  const timeline = new StartTimeline(deps.logger);
  const supervisor = new HaproxySupervisor({
    haproxyBinary: options.haproxyBinary,
    configPath: store.configPath,
    masterSocketPath: paths.masterSocket,
    adminSocketPath: paths.adminSocket,
    pidFile: paths.pidFile,
    drainTimeoutMs: options.shutdown.drainTimeoutMs,
    logger: deps.logger,
    logFd: logs.fd,
    hooks: deps.supervisorHooks,
    onLaunch: timeline.launched,
    ...(deps.startAbandoned ? { abandoned: deps.startAbandoned } : {}),
    // A restart after a crash reads the active generation: the in-place updates the worker already runs go first.
    // Files that cannot be written (a full or read-only disk) must not keep haproxy down: it starts from the
    // generation on disk, whole and checked, and is reloaded from the model once a generation can be written.
    beforeLaunch: () => {
      committer.launching();
      return store.flush().catch((err: unknown) => {
        committer.filesBehind();
        diskLog.error(`starting haproxy from the files on disk, which lack changes the last worker ran: ${errorMessage(err)}; it is reloaded once the files can be written`);
      });
    },
    // A worker the supervisor restarted gets the runtime fix-ups the applied model needs, in turn with commits
    // (a start or reload by a commit has had them already).
    onRestarted: () => {
      committer.workerRestarted();
      scheduler.requestNow();
    },
  });
  const observability = await startObservability({
    stats: options.stats,
    publicListen: options.listen,
    auth: statsAuth,
    adminSocket: paths.adminSocket,
    socketDir: paths.run,
    haproxyStarted: () => supervisor.supervising,
    logger: deps.logger,
  });
  const state = new RouterState();
  // Status writes wait for haproxy to serve the first configuration, then for each commit to finish.
  const statusGate = new WriteGate(true);
  // Aborted when a stop gives up the load in flight (shutdown.ts, abandonLoads).
  const loadsAbandoned = new AbortController();
  const wiring = deps.source
    ? { source: deps.source, allowAddress: trustedEndpointFilter(deps.logger.withTag('endpoints')), status: undefined, ingressStatus: undefined, ingressEvents: undefined, gatewayStatus: undefined, hostAddresses: undefined }
    : createSource(options, deps.logger, deps.env, () => scheduler.changed(), statusGate);
  // The index remembers each route's certificate verdict itself; the cache only spares routes that share material.
  const tlsValidator = options.extendedValidation ? cachedTlsValidator(validateRouteTls) : undefined;
  const settings = settingsFromOptions(options, paths, files, statsAuth);
  const fdLimit = readOpenFileLimit();
  const reloads = reloadCounter();
  const desired = new DesiredState({
    admission: options.admission,
    validateTls: tlsValidator?.validate,
    settings,
    fdLimit,
    allowAddress: wiring.allowAddress,
    includeUdpEndpoints: options.includeUdpEndpoints,
    defaultCertificate: () => operatorFiles.defaultCertificate(),
    defaultDestinationCa: () => operatorFiles.defaultDestinationCa(),
    addressesVersion: () => wiring.hostAddresses?.current(),
  });
  const commitTimeline = new CommitTimeline();
  let threadsWeighed = false;
  const weighThreads = (outcome: CommitOutcome) => {
    // Once haproxy serves: a start or a reload, not a commit that changed nothing live.
    if (threadsWeighed || (outcome.result !== 'started' && outcome.result !== 'reloaded')) return;
    threadsWeighed = true;
    const facts = { configured: options.haproxy.threads, cpus: deps.cpus?.() ?? availableParallelism(), routes: outcome.admitted.size };
    void warnAboutThreadCount(facts, haproxyVersion, () => haproxyHasLua(options.haproxyBinary), (m) => log.warn(m));
  };
  const collectGarbage = deps.collectWhenIdle ?? (() => Bun.gc(true));
  let committing = false;
  const idleCollector = idleCollection({
    collect() {
      // The desired index lets go of the contributions changes replaced since the last reload, then they go too.
      desired.index.rebase();
      collectGarbage();
    },
    nudge: () => edenGC(),
    threadCpuMs,
    every: unrefEvery,
    busy: () => committing,
    collected: (ms) => deps.logger.withTag('memory').debug(`collected the garbage of the last full commit once idle, in ${ms.toFixed(0)} ms`),
  });
  const committer = createCommitter({
    routes: () => state.routes,
    // Every commit first takes its changes in (incremental.update): the full step reads the indexes as they stand.
    desired: (_routes, held) => desired.full(held),
    incremental: {
      update(held) {
        const step = desired.update({ routes: state.takeRouteChanges(), slices: state.takeSliceChanges(), held });
        tlsValidator?.endPass();
        return step;
      },
      index: desired.index,
      views: desired.views,
    },
    render,
    writer: diskWriter(store, certs),
    checker: (deps.wrapChecker ?? ((c) => c))(haproxyChecker(options.haproxyBinary, loadsAbandoned.signal)),
    haproxy: supervisor,
    runtime: (deps.wrapRuntime ?? ((c) => c))(createRuntimeClient(paths.adminSocket, { bufSize: options.haproxy.bufSize, onFirstReply: (ms) => commitTimeline.replied(ms) })),
    timeline: commitTimeline,
    runtimeUpdates: options.runtimeUpdates,
    reloadIntervalMs: options.intervalMs,
    commitIntervalMs: options.commitIntervalMs,
    reloadBudget: options.reloadBudget,
    requestCommit: () => scheduler.request(),
    asideOpen: () => scheduler.asideOpen(),
    // Collections are owed from the load on: its wait, and the burst of haproxy's lines and the worker check after it, are when the heap grows.
    loading: () => idleCollector.owe(),
    takeEvents: () => state.takeEvents(),
    ...(deps.renderTurn ? { renderTurn: deps.renderTurn } : {}),
    observers: [
      timeline.observe,
      weighThreads,
      (outcome) => (rendersEverything(outcome) ? idleCollector.owe() : idleCollector.activity()),
      observability.observe,
      reloads.observe,
      logObserver({ logger: deps.logger, reloadCounts: reloads.counts, maxConnections: settings.maxConnections, fdLimit }),
      // A failed commit decided nothing: every route keeps the status it has.
      (outcome) => {
        if (outcome.result === 'failed' || !wiring.status) return;
        const { verdicts, changed } = verdictsOf(outcome);
        wiring.status.update(verdicts, changed);
      },
      (outcome) => outcome.running && logs.serve(outcome.running, supervisor.workerPid),
      (outcome) => outcome.result !== 'failed' && wiring.ingressStatus?.update(outcome),
      (outcome) => outcome.result !== 'failed' && wiring.ingressEvents?.update(outcome),
      (outcome) => outcome.result !== 'failed' && wiring.gatewayStatus?.update(outcome),
    ],
    logger: deps.logger,
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
      statusGate.hold();
      committing = true;
      try {
        const outcome = await committer.commit();
        notifyCommit(outcome);
        return outcome;
      } catch (err) {
        notifyCommit(undefined);
        throw err;
      } finally {
        committing = false;
        statusGate.release();
      }
    },
    (err) => {
      firstError ??= err;
      // Once haproxy runs, a failed commit (a full disk, a busy socket) is tried again rather than forgotten.
      if (supervisor.supervising) setTimeout(() => scheduler.request(), COMMIT_RETRY_MS);
    },
    async () => {
      statusGate.hold();
      try {
        const outcome = await committer.aside();
        if (outcome) notifyCommit(outcome);
        return outcome !== undefined;
      } finally {
        statusGate.release();
      }
    },
  );
  const source = wiring.source;
  timeline.mark('starting the sources');
  await source
    .start({
      apply(events) {
        // Not held back by a reload that waits (for --interval, or a namespace's budget): what can go live goes meanwhile.
        if (state.apply(events)) scheduler.changed();
      },
      held: (kind, key) => state.held(kind, key),
      synced() {
        timeline.mark(`sources synced: ${state.routes.size} routes, ${state.slices.size} endpoint slices`);
        scheduler.enable();
      },
    })
    .catch(async (err: unknown) => {
      await observability.stop();
      throw err;
    });
  // An empty source still gets a serving haproxy (every host answers 503).
  scheduler.request();
  await scheduler.flush();

  let ticketKeys: TicketKeyRotation | undefined;
  const stopIntake = async () => {
    ticketKeys?.stop();
    idleCollector.stop();
    operatorFiles.stop();
    wiring.status?.stop();
    wiring.ingressStatus?.stop();
    wiring.ingressEvents?.stop();
    wiring.gatewayStatus?.stop();
    wiring.hostAddresses?.stop();
    await source.stop();
    await scheduler.stop();
    committer.stop();
    try {
      await store.flush();
    } catch (e) {
      // The active generation on disk is whole: a restart, or the next router, starts from it.
      deps.logger.error(`the configuration's last files could not be written before stopping: ${errorMessage(e)}`);
    }
    fileWriter.close();
    await observability.stop();
  };
  if (!supervisor.supervising) {
    await stopIntake();
    await supervisor.stop();
    throw firstError instanceof Error ? firstError : new Error('haproxy did not start');
  }
  ticketKeys = startTicketKeyRotation({ path: files.ticketKeysPath, adminSocket: paths.adminSocket, intervalMs: options.ticketKeyIntervalMs, logger: deps.logger });
  const abandonLoads = () => {
    loadsAbandoned.abort();
    supervisor.abandonReloads();
  };
  const shutdown = new RouterShutdown({ gracefulDelayMs: options.shutdown.gracefulDelayMs, stopIntake, abandonLoads, supervisor, releaseWorkingDir, log });
  observability.serving(shutdown);
  statusGate.release();
  log.info(`router ready: serving ${state.routes.size} routes on port ${options.listen.httpPort}`);
  return {
    flush: () => scheduler.flush(),
    stop: () => shutdown.stop(),
    stopNow: () => shutdown.stopNow(),
    handOver: () => shutdown.handOver(),
    shutdown,
    supervisor,
    store,
    status: wiring.status,
    ingressStatus: wiring.ingressStatus,
    ingressEvents: wiring.ingressEvents,
    gatewayStatus: wiring.gatewayStatus,
    lastCommit: () => last,
    reloadCounts: reloads.counts,
    nextCommit: () => new Promise((resolve) => commitListeners.push(resolve)),
  };
}
