import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RouterOptions } from './cli/parse-options.ts';
import { EMBEDDED_ASSETS } from './config/embedded-assets.ts';
import { createRenderer } from './config/render.ts';
import type { ConfigSettings } from './config/settings.ts';
import { createCommitter, type CommitOutcome } from './commit.ts';
import type { Source } from './domain/events.ts';
import { ConfigStore } from './haproxy/config-store.ts';
import { readOpenFileLimit } from './haproxy/fd-limit.ts';
import { HaproxySupervisor } from './haproxy/supervisor.ts';
import type { Logger } from './log.ts';
import { ManifestSource } from './sources/manifest/manifest-source.ts';
import { CommitScheduler } from './state/commit-scheduler.ts';
import { RouterState } from './state/router-state.ts';

export interface RunningRouter {
  /** Resolves once every change seen so far is committed (tests await it). */
  flush(): Promise<void>;
  stop(): Promise<void>;
  readonly supervisor: HaproxySupervisor;
  readonly store: ConfigStore;
  lastCommit(): CommitOutcome | undefined;
  /** Resolves after the next commit completes (whatever its outcome). */
  nextCommit(): Promise<CommitOutcome | undefined>;
}

export interface RouterDeps {
  logger: Logger;
  /** Overrides the source chosen by the options (tests). */
  source?: Source;
}

/** Paths inside the working dir; sockets live in run/ so their paths stay short. */
export function workingPaths(workingDir: string) {
  const wd = resolve(workingDir);
  const run = join(wd, 'run');
  return {
    workingDir: wd,
    run,
    masterSocket: join(run, 'master.sock'),
    adminSocket: join(run, 'haproxy.sock'),
    pidFile: join(run, 'haproxy.pid'),
  };
}

export function settingsFromOptions(options: RouterOptions, adminSocketPath: string): ConfigSettings {
  const h = options.haproxy;
  return {
    bindAddress: options.bindAddress,
    httpPort: options.httpPort,
    httpsPort: options.httpsPort,
    maxConnections: options.maxConnections,
    threads: h.threads,
    hardStopAfterMs: h.hardStopAfterMs,
    bufSize: h.bufSize,
    maxRewrite: h.maxRewrite,
    adminSocketPath,
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
  };
}

function createSource(options: RouterOptions, logger: Logger): Source {
  return new ManifestSource({ dir: options.source.dir, logger: logger.withTag('manifests') });
}

/**
 * Wires sources -> state -> scheduler -> commit -> haproxy and returns once
 * the first configuration is serving. Fails (without leaving haproxy behind)
 * when that first configuration cannot be served.
 */
export async function startRouter(options: RouterOptions, deps: RouterDeps): Promise<RunningRouter> {
  const log = deps.logger.withTag('router');
  const paths = workingPaths(options.workingDir);
  await mkdir(paths.run, { recursive: true, mode: 0o750 });
  const template = options.templatePath ? await readFile(options.templatePath, 'utf8') : EMBEDDED_ASSETS.template;
  const render = createRenderer({ ...EMBEDDED_ASSETS, template });
  const store = new ConfigStore(paths.workingDir);
  await store.init();
  const supervisor = new HaproxySupervisor({
    haproxyBinary: options.haproxyBinary,
    configPath: store.configPath,
    masterSocketPath: paths.masterSocket,
    pidFile: paths.pidFile,
    logger: deps.logger,
  });
  const state = new RouterState();
  const commit = createCommitter({
    state,
    render,
    settings: settingsFromOptions(options, paths.adminSocket),
    fdLimit: readOpenFileLimit(),
    allowAddress: () => true,
    store,
    supervisor,
    haproxyBinary: options.haproxyBinary,
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
      try {
        notifyCommit(await commit());
      } catch (err) {
        notifyCommit(undefined);
        throw err;
      }
    },
    options.intervalMs,
    (err) => {
      firstError ??= err;
      log.error(`commit failed: ${(err as Error).message ?? err}`);
    },
  );
  const source = deps.source ?? createSource(options, deps.logger);
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

  const stop = async () => {
    await source.stop();
    await scheduler.stop();
    await supervisor.stop();
  };
  if (!supervisor.supervising) {
    await stop();
    throw firstError instanceof Error ? firstError : new Error('haproxy did not start');
  }
  log.info(`router ready: serving ${state.routes.size} routes on port ${options.httpPort}`);
  return {
    flush: () => scheduler.flush(),
    stop,
    supervisor,
    store,
    lastCommit: () => last,
    nextCommit: () => new Promise((resolve) => commitListeners.push(resolve)),
  };
}
