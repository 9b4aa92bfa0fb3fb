import { admitRoutes } from './admission/admit-routes.ts';
import type { AdmissionSettings } from './admission/settings.ts';
import type { CachedTlsValidator } from './admission/tls-cache.ts';
import type { Rejection } from './admission/rejection.ts';
import { buildConfigModel } from './config/build-model.ts';
import type { RenderedFiles, Renderer } from './config/render.ts';
import type { AddressFilter } from './config/route-servers.ts';
import type { ConfigSettings } from './config/settings.ts';
import { checkConfig } from './haproxy/check-config.ts';
import type { CertStore } from './haproxy/cert-store.ts';
import type { ConfigStore } from './haproxy/config-store.ts';
import { sizeMaxConnections } from './haproxy/fd-limit.ts';
import type { HaproxySupervisor } from './haproxy/supervisor.ts';
import type { Route } from './domain/route.ts';
import type { Logger } from './log.ts';
import type { RouterState } from './state/router-state.ts';

export interface CommitDeps {
  state: RouterState;
  admission: AdmissionSettings;
  /** Certificate checks (--extended-validation); undefined skips them. */
  tlsValidator: CachedTlsValidator | undefined;
  render: Renderer;
  /** Settings with the operator's maxconn; the committer lowers it to the fd limit. */
  settings: ConfigSettings;
  fdLimit: number | undefined;
  allowAddress: AddressFilter;
  includeUdpEndpoints: boolean;
  store: ConfigStore;
  certs: CertStore;
  supervisor: HaproxySupervisor;
  haproxyBinary: string;
  logger: Logger;
}

export interface CommitOutcome {
  result: 'unchanged' | 'rejected-by-haproxy' | 'started' | 'reloaded' | 'reload-failed';
  /** Served routes as admitted (resolved host), oldest first. */
  admitted: readonly Route[];
  rejections: ReadonlyMap<string, Rejection>;
}

function sameFiles(a: RenderedFiles | undefined, b: RenderedFiles): boolean {
  if (!a || a.size !== b.size) return false;
  for (const [name, text] of b) if (a.get(name) !== text) return false;
  return true;
}

/**
 * Builds the commit step: state -> admission -> model -> files -> checked
 * generation -> running haproxy. A candidate haproxy rejects is logged with
 * haproxy's own lines and dropped; the running config stays.
 */
export function createCommitter(deps: CommitDeps): () => Promise<CommitOutcome> {
  const log = deps.logger.withTag('commit');
  let applied: RenderedFiles | undefined;
  let appliedCerts = new Set<string>();
  let lastRejected: RenderedFiles | undefined;
  let reported = new Map<string, Rejection>();
  let warnedMaxConn: number | undefined;

  function reportRejections(current: Map<string, Rejection>): void {
    for (const [key, r] of current) {
      const before = reported.get(key);
      if (!before || before.reason !== r.reason || before.message !== r.message) {
        log.warn(`route ${key} rejected: ${r.reason}: ${r.message}`);
      }
    }
    for (const key of reported.keys()) {
      if (!current.has(key) && deps.state.routes.has(key)) log.info(`route ${key} admitted`);
    }
    reported = current;
  }

  function settingsFor(checkedServers: number): ConfigSettings {
    const maxConnections = sizeMaxConnections(deps.settings.maxConnections, deps.fdLimit, checkedServers);
    if (maxConnections < deps.settings.maxConnections && warnedMaxConn !== maxConnections) {
      warnedMaxConn = maxConnections;
      log.warn(
        `maxconn lowered from ${deps.settings.maxConnections} to ${maxConnections}: the open-file limit is ${deps.fdLimit} (raise LimitNOFILE to allow more)`,
      );
    }
    return { ...deps.settings, maxConnections };
  }

  return async function commit(): Promise<CommitOutcome> {
    const { admitted, rejected } = admitRoutes(deps.state.routes.values(), deps.admission, deps.tlsValidator?.validate);
    deps.tlsValidator?.endPass();
    reportRejections(rejected);
    const draft = buildConfigModel({
      routes: admitted,
      slices: deps.state.slices.values(),
      settings: deps.settings,
      allowAddress: deps.allowAddress,
      includeUdpEndpoints: deps.includeUdpEndpoints,
    });
    const checked = draft.backends.reduce((n, b) => n + b.servers.filter((s) => s.check).length, 0);
    const model = { ...draft, settings: settingsFor(checked) };
    const files = deps.render(model);
    if (sameFiles(applied, files) || sameFiles(lastRejected, files)) return { result: 'unchanged', admitted, rejections: rejected };
    await deps.certs.write(model.certificates);
    const certNames = new Set(model.certificates.map((c) => c.name));
    // The previous generation stays loadable (rollback), so its certificates stay too.
    const markApplied = async () => {
      applied = files;
      await deps.certs.prune(new Set([...certNames, ...appliedCerts]));
      appliedCerts = certNames;
    };

    const candidate = await deps.store.stage(files);
    const check = await checkConfig(deps.haproxyBinary, candidate.configPath);
    if (!check.ok) {
      log.error(`haproxy rejected the new configuration; keeping the running one:\n${check.output.join('\n')}`);
      await deps.store.discard(candidate.generation);
      lastRejected = files;
      return { result: 'rejected-by-haproxy', admitted, rejections: rejected };
    }
    await deps.store.activate(candidate.generation);
    lastRejected = undefined;
    if (!deps.supervisor.supervising) {
      await deps.supervisor.start();
      await markApplied();
      return { result: 'started', admitted, rejections: rejected };
    }
    if (!deps.supervisor.running) {
      // The pending restart loads `conf`, which now points at this generation.
      await markApplied();
      log.info(`haproxy is restarting; it will load generation ${candidate.generation}`);
      return { result: 'reloaded', admitted, rejections: rejected };
    }
    const reload = await deps.supervisor.reload();
    if (!reload.ok) {
      log.error(`haproxy reload failed (${reload.message}); restoring the previous configuration on disk`);
      await deps.store.rollback();
      return { result: 'reload-failed', admitted, rejections: rejected };
    }
    await markApplied();
    log.info(`configuration reloaded (generation ${candidate.generation}, worker pid ${reload.workerPid})`);
    return { result: 'reloaded', admitted, rejections: rejected };
  };
}
