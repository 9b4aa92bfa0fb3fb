import { admitRoutes } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { AdmissionSettings } from '../admission/settings.ts';
import type { CachedTlsValidator } from '../admission/tls-cache.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import type { RenderedFiles, Renderer } from '../config/render.ts';
import type { AddressFilter } from '../config/route-servers.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { objectKey, type Route } from '../domain/route.ts';
import type { CertStore } from '../haproxy/cert-store.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import type { ConfigStore } from '../haproxy/config-store.ts';
import { serverOptions } from '../config/server-line.ts';
import { sizeMaxConnections } from '../haproxy/fd-limit.ts';
import { refusedRoutes, withoutPaths } from '../haproxy/refused-files.ts';
import type { HaproxySupervisor } from '../haproxy/supervisor.ts';
import type { Logger } from '../log.ts';
import { DeleteRetries } from './delete-retries.ts';
import { fitToRunning } from '../plan/fit-to-running.ts';
import { planAfterLoad, planUpdate, runtimeSubset, type UpdatePlan } from '../plan/plan.ts';
import { describeCounts, describeReasons, reasonCodes, type ReloadReason } from '../plan/reload-reasons.ts';
import type { RuntimeCommand } from '../haproxy/runtime-api/commands.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { CommitResult } from '../state/commit-scheduler.ts';
import type { RouterState } from '../state/router-state.ts';

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
  runtime: RuntimeClient;
  /** false: reload for every change, as openshift-router does by default (--runtime-updates=false). */
  runtimeUpdates: boolean;
  /** Minimum time between two reload starts (--interval); runtime updates are never held back. */
  reloadIntervalMs: number;
  /** Longest time routes run on spare backends (or removed routes' backends stay) before a reload (--commit-interval). */
  commitIntervalMs: number;
  haproxyBinary: string;
  logger: Logger;
  /** Asks for a commit outside any source change (the worker was found out of step). */
  requestCommit: () => void;
  /** The default certificate's PEM as of now (it is followed while the router runs). */
  defaultCertificate: () => string;
  /** The default destination CA's PEM as of now, if there is one (followed too). */
  defaultDestinationCa: () => string | undefined;
  now?: () => number;
}

export type CommitKind = 'unchanged' | 'written' | 'runtime' | 'deferred' | 'rejected-by-haproxy' | 'started' | 'reloaded' | 'reload-failed';

export interface CommitOutcome extends CommitResult {
  result: CommitKind;
  /** Served routes as admitted (resolved host), oldest first. */
  admitted: readonly Route[];
  rejections: ReadonlyMap<string, Rejection>;
  /** Why this commit reloaded, when it did. */
  reloadReasons?: readonly ReloadReason[];
}

export interface Committer {
  commit(): Promise<CommitOutcome>;
  /**
   * Notes that haproxy restarted on its own (the supervisor brought it back):
   * the next commit first brings the new worker in line with the applied
   * model, in turn with other commits, so its checks never interleave with
   * runtime commands. The caller then asks for a commit.
   */
  workerRestarted(): void;
  /** Reloads so far, by reason code. */
  readonly reloadCounts: ReadonlyMap<string, number>;
}

function sameFiles(a: RenderedFiles | undefined, b: RenderedFiles): boolean {
  if (!a || a.size !== b.size) return false;
  for (const [name, text] of b) if (a.get(name) !== text) return false;
  return true;
}

const withoutWeight = (options: string) => options.replace(/^weight \d+ ?/, '');

/** Below this, haproxy would technically run but not serve anyone; refusing is clearer. */
const MIN_MAX_CONNECTIONS = 100;

/** How long a commit that failed for a reason that may pass (a reload, a check that could not run) waits before trying again. */
const RETRY_AFTER_FAILURE_MS = 2000;

/** Servers reserve a descriptor each for health checks; counted in steps so a few more pods do not change maxconn (and force a reload). */
const SERVER_FD_STEP = 1024;

/**
 * One commit: state -> admission -> model -> plan -> running haproxy. Server
 * changes inside unchanged backends go through the runtime API (disk is
 * updated too, so a restart reproduces them); anything else reloads, at most
 * once per --interval, after `haproxy -c` accepted the candidate. A
 * candidate haproxy rejects is logged with haproxy's own lines and dropped.
 */
export function createCommitter(deps: CommitDeps): Committer {
  const log = deps.logger.withTag('commit');
  const now = deps.now ?? Date.now;
  const reloadCounts = new Map<string, number>();
  const deletes = new DeleteRetries(() => deps.runtime, log);
  /** The options (weight aside) each server waiting in `deletes` was created with: it may only be revived with the same. */
  const busyOptions = new Map<string, string | undefined>();
  let applied: { files: RenderedFiles; model: ConfigModel; certNames: Set<string> } | undefined;
  let lastRejected: RenderedFiles | undefined;
  /** Set when the worker was found not to hold what the applied model says; cleared by the next load. */
  let outOfStep = false;
  /** A worker the supervisor restarted has not had afterLoad yet. */
  let restarted = false;
  /**
   * Routes whose certificate or CA haproxy refused to load, with the TLS they
   * had then: kept out (and rejected with haproxy's words) until it changes,
   * so one bad route cannot keep every later configuration from loading.
   */
  const quarantine = new Map<string, { tls: string; rejection: Rejection }>();
  /** The routes the commit in progress admitted, as it read them: the state may change while haproxy checks. */
  let committing = new Map<string, Route>();
  /** Since when the worker runs a model a fresh load would not (routes on spares); a reload ends it. */
  let heldSince: number | undefined;
  let heldTimer: ReturnType<typeof setTimeout> | undefined;
  let lastReloadAt = Number.NEGATIVE_INFINITY;
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

  function settingsFor(servers: number): ConfigSettings {
    const budgeted = Math.max(1, Math.ceil(servers / SERVER_FD_STEP)) * SERVER_FD_STEP;
    const maxConnections = sizeMaxConnections(deps.settings.maxConnections, deps.fdLimit, budgeted);
    if (maxConnections < MIN_MAX_CONNECTIONS) {
      throw new Error(`the open-file limit (${deps.fdLimit}) leaves room for only ${maxConnections} connections; raise LimitNOFILE`);
    }
    if (maxConnections < deps.settings.maxConnections && warnedMaxConn !== maxConnections) {
      warnedMaxConn = maxConnections;
      log.warn(
        `maxconn lowered from ${deps.settings.maxConnections} to ${maxConnections}: the open-file limit is ${deps.fdLimit} (raise LimitNOFILE to allow more)`,
      );
    }
    return { ...deps.settings, maxConnections };
  }

  function buildModel(admitted: Route[]): ConfigModel {
    const draft = buildConfigModel({
      routes: admitted,
      slices: deps.state.slices.values(),
      settings: deps.settings,
      allowAddress: deps.allowAddress,
      includeUdpEndpoints: deps.includeUdpEndpoints,
      defaultCertificate: deps.defaultCertificate(),
      defaultDestinationCa: deps.defaultDestinationCa(),
    });
    return { ...draft, settings: settingsFor(draft.backends.reduce((n, b) => n + b.servers.length, 0)) };
  }

  async function markApplied(files: RenderedFiles, model: ConfigModel): Promise<void> {
    const certNames = new Set(model.certificates.map((c) => c.name));
    // The previous generation stays loadable (rollback), so its certificates stay too.
    await deps.certs.prune(new Set([...certNames, ...(applied?.certNames ?? [])]));
    applied = { files, model, certNames };
  }

  /**
   * Notes whether what the worker runs (`running`) is what a fresh load of
   * `plain` would give. Routes on spares keep the spares' names and cookie
   * names, removed routes' backends stay, and the pools do not refill until
   * a reload; --commit-interval bounds how long that lasts.
   */
  function noteHeld(plain: ConfigModel, running: ConfigModel): void {
    const same = running === plain || (running.backends.length === plain.backends.length && running.backends.every((b, i) => b.name === plain.backends[i]?.name));
    if (same) {
      heldSince = undefined;
      clearTimeout(heldTimer);
      return;
    }
    if (heldSince !== undefined) return;
    heldSince = now();
    heldTimer = setTimeout(deps.requestCommit, deps.commitIntervalMs);
    // A pending flush must not keep a stopping router alive.
    heldTimer.unref();
  }

  function withoutQuarantined(routes: Iterable<Route>): { candidates: Route[]; quarantined: Map<string, Rejection> } {
    const candidates: Route[] = [];
    const quarantined = new Map<string, Rejection>();
    for (const route of routes) {
      const key = objectKey(route);
      const held = quarantine.get(key);
      if (held && held.tls === JSON.stringify(route.tls)) {
        quarantined.set(key, held.rejection);
        continue;
      }
      quarantine.delete(key);
      candidates.push(route);
    }
    for (const key of quarantine.keys()) if (!deps.state.routes.has(key)) quarantine.delete(key);
    return { candidates, quarantined };
  }

  /** Quarantines the routes whose files haproxy named as refused; true when there is one more to try without. */
  function quarantineRefused(output: readonly string[]): boolean {
    let added = false;
    for (const [key, said] of refusedRoutes(output, committing.keys())) {
      const route = committing.get(key);
      if (!route || quarantine.has(key)) continue;
      quarantine.set(key, { tls: JSON.stringify(route.tls), rejection: { reason: 'ExtendedValidationFailed', message: withoutPaths(`haproxy refused the route's certificate or CA: ${said}`) } });
      added = true;
    }
    return added;
  }

  async function afterLoad(): Promise<void> {
    restarted = false;
    deletes.clear();
    busyOptions.clear();
    outOfStep = false;
    if (!applied) return;
    const result = await deps.runtime.apply(planAfterLoad(applied.model)).catch((err: Error) => ({ failed: [{ reply: err.message }] }));
    if (result.failed.length > 0) log.warn(`could not switch off ${result.failed.length} health checks after loading: ${result.failed[0]?.reply.trim()}`);
    await reconcile(applied.model);
  }

  /**
   * After a load the worker should hold exactly the model's servers; runtime
   * commands are only planned against what it holds, so a difference (disk
   * out of step with the model) makes the next commit reload from the model.
   */
  async function reconcile(model: ConfigModel): Promise<void> {
    const running = await deps.runtime.showServersState().catch(() => undefined);
    if (!running) return;
    const want = new Set(model.backends.flatMap((b) => b.servers.map((s) => `${b.name}/${s.name}`)));
    const have = new Set(running.filter((s) => s.backend.startsWith('be_') && s.backend !== 'be_sni' && s.backend !== 'be_no_sni').map((s) => `${s.backend}/${s.server}`));
    const missing = [...want].filter((k) => !have.has(k));
    const extra = [...have].filter((k) => !want.has(k));
    if (missing.length === 0 && extra.length === 0) return;
    log.error(`the running worker does not hold the expected servers (missing: ${missing.slice(0, 3).join(', ') || 'none'}; unexpected: ${extra.slice(0, 3).join(', ') || 'none'}); reloading from the model`);
    outOfStep = true;
    deps.requestCommit();
  }

  function plan(model: ConfigModel): UpdatePlan {
    if (!applied || !deps.supervisor.running) return { kind: 'reload', reasons: [{ code: 'initial-load', backend: undefined }] };
    if (outOfStep) return { kind: 'reload', reasons: [{ code: 'worker-out-of-step', backend: undefined }] };
    const p = planUpdate(applied.model, model);
    if (p.kind === 'runtime' && !deps.runtimeUpdates) return { kind: 'reload', reasons: [{ code: 'runtime-updates-disabled', backend: undefined }] };
    return p;
  }

  /** Runtime path: disk first (a reload or restart at any moment must bring up what the worker holds), then the commands. */
  async function applyRuntime(files: RenderedFiles, model: ConfigModel, commands: UpdatePlan & { kind: 'runtime' }): Promise<boolean> {
    // No haproxy -c: only server lines (built by the function the running config already accepted) and crt-list
    // lines changed; a certificate haproxy cannot parse fails `set ssl cert`, and the swap is rolled back below.
    const gen = await deps.store.stage(files);
    await deps.store.activate(gen.generation);
    let failure: string | undefined;
    await deletes.settle(commands.commands.filter((c) => c.kind === 'add-server'));
    const sent = reviveInsteadOfAdding(commands.commands);
    if (!sent) {
      await deps.store.rollback();
      log.warn('a server still being deleted would come back with other TLS options; reloading instead');
      return false;
    }
    deletes.cancel(commands.commands.filter((c) => c.kind === 'add-server'));
    // haproxy runs every command of a batch even after one fails. Servers and certificates go first, on their
    // own: only if all of them are in place do map entries start (or stop) sending traffic, and servers leave.
    const redirecting = (c: RuntimeCommand) => c.kind === 'add-map' || c.kind === 'set-map' || c.kind === 'del-map' || c.kind === 'del-server';
    try {
      for (const phase of [sent.filter((c) => !redirecting(c)), sent.filter(redirecting)]) {
        if (phase.length === 0) continue;
        const result = await deps.runtime.apply(phase);
        const f = result.failed[0];
        if (f) {
          failure = `${f.text}: ${f.reply.trim()}`;
          break;
        }
        for (const b of result.busy) busyOptions.set(`${b.command.backend}/${b.command.server}`, optionsIn(applied?.model, b.command));
        deletes.add(result.busy.map((b) => b.command));
      }
    } catch (err) {
      failure = (err as Error).message;
    }
    if (failure !== undefined) {
      // The unchecked generation must not stay on disk: the reload below checks its own candidate.
      await deps.store.rollback();
      // Commands before the failure took effect: until a reload, the worker matches neither model.
      outOfStep = true;
      log.warn(`runtime update failed (${failure}); reloading instead`);
      return false;
    }
    await markApplied(files, model);
    return true;
  }

  /** A server's options as the applied model renders them, weight left out (reviving reweighs). */
  function optionsIn(model: ConfigModel | undefined, ref: { backend: string; server: string }): string | undefined {
    const backend = model?.backends.find((b) => b.name === ref.backend);
    const server = backend?.servers.find((s) => s.name === ref.server);
    return backend && server ? withoutWeight(serverOptions(backend, server)) : undefined;
  }

  /**
   * A pod that comes back while its server still waits to be deleted (requests
   * were in flight) is still in the worker, in maintenance: `add server` would
   * refuse the name, so it is reweighed instead, and the plan's
   * `enable server` that follows brings it back. Only if it was created with
   * the options it would be added with now (the same TLS to the pod): else
   * undefined, and the caller reloads.
   */
  function reviveInsteadOfAdding(commands: readonly RuntimeCommand[]): RuntimeCommand[] | undefined {
    const revived: RuntimeCommand[] = [];
    for (const c of commands) {
      if (c.kind !== 'add-server' || !deletes.has(c)) {
        revived.push(c);
        continue;
      }
      const key = `${c.backend}/${c.server}`;
      if (busyOptions.get(key) !== withoutWeight(c.options)) return undefined;
      busyOptions.delete(key);
      const weight = Number(/\bweight (\d+)/.exec(c.options)?.[1] ?? 1);
      // As `add server` leaves it: checks off; the plan's `enable health` follows when the server should have them.
      revived.push({ kind: 'set-weight', backend: c.backend, server: c.server, weight }, { kind: 'disable-health', backend: c.backend, server: c.server });
    }
    return revived;
  }

  async function applyRuntimeSubset(next: ConfigModel): Promise<void> {
    // Commands planned against a model the worker does not hold could fail or half apply.
    if (!applied || !deps.runtimeUpdates || !deps.supervisor.running || outOfStep) return;
    const partial = runtimeSubset(applied.model, next);
    if (partial === applied.model) return;
    const partialPlan = planUpdate(applied.model, partial);
    if (partialPlan.kind === 'runtime') await applyRuntime(deps.render(partial), partial, partialPlan);
  }

  async function commit(): Promise<CommitOutcome> {
    if (restarted && deps.supervisor.running) await afterLoad();
    const { candidates, quarantined } = withoutQuarantined(deps.state.routes.values());
    const { admitted, rejected } = admitRoutes(candidates, deps.admission, deps.tlsValidator?.validate);
    committing = new Map(candidates.map((r) => [objectKey(r), r]));
    for (const [key, rejection] of quarantined) rejected.set(key, rejection);
    deps.tlsValidator?.endPass();
    reportRejections(rejected);
    const outcome = (result: CommitKind, more: Partial<CommitOutcome> = {}): CommitOutcome => ({ result, admitted, rejections: rejected, ...more });
    // `model` is what a fresh load would run; `fitted` says the same in terms of what the worker runs now
    // (routes on the backends they have, new ones on spares), which is what runtime updates can reach.
    const model = buildModel(admitted);
    const fitted = applied && deps.runtimeUpdates && deps.supervisor.running ? fitToRunning(applied.model, model) : model;
    const files = deps.render(fitted);
    const flush = heldSince !== undefined && now() - heldSince >= deps.commitIntervalMs && deps.supervisor.running;
    if (!flush && !outOfStep && (sameFiles(applied?.files, files) || sameFiles(lastRejected, files))) return outcome('unchanged');
    await deps.certs.write(model.certificates);

    let p: UpdatePlan = flush ? { kind: 'reload', reasons: [{ code: 'commit-interval', backend: undefined }] } : plan(fitted);
    if (p.kind === 'none') {
      // Nothing the worker needs to know (e.g. server order): keep disk in step.
      const gen = await deps.store.stage(files);
      await deps.store.activate(gen.generation);
      await markApplied(files, fitted);
      noteHeld(model, fitted);
      return outcome('written');
    }
    let runtimeFailed = false;
    if (p.kind === 'runtime') {
      if (await applyRuntime(files, fitted, p)) {
        noteHeld(model, fitted);
        return outcome('runtime');
      }
      p = { kind: 'reload', reasons: [{ code: 'runtime-update-failed', backend: undefined }] };
      runtimeFailed = true;
    }
    const wait = lastReloadAt + deps.reloadIntervalMs - now();
    if (deps.supervisor.supervising && wait > 0) {
      // The reload waits for --interval; endpoint changes in backends it does not touch go live now.
      if (!runtimeFailed) await applyRuntimeSubset(fitted);
      return outcome('deferred', { retryAfterMs: wait });
    }
    // A reload starts clean: every route on its own backend, the spare pool full again.
    return reload(fitted === model ? files : deps.render(model), model, p.reasons, outcome);
  }

  async function reload(
    files: RenderedFiles,
    model: ConfigModel,
    reasons: readonly ReloadReason[],
    outcome: (result: CommitKind, more?: Partial<CommitOutcome>) => CommitOutcome,
  ): Promise<CommitOutcome> {
    const candidate = await deps.store.stage(files);
    const check = await checkConfig(deps.haproxyBinary, candidate.configPath);
    if (!check.ok) {
      await deps.store.discard(candidate.generation);
      // Only haproxy's own verdict is final; a check that could not run (timeout, spawn failure) is retried.
      if (!check.output.some((line) => line.startsWith('[ALERT]'))) {
        log.warn(`could not check the new configuration (${check.output.join('; ') || 'no output'}); retrying`);
        return outcome('deferred', { retryAfterMs: RETRY_AFTER_FAILURE_MS });
      }
      if (quarantineRefused(check.output)) {
        log.warn(`haproxy refused route files; trying again without those routes:\n${check.output.join('\n')}`);
        return outcome('rejected-by-haproxy', { retryAfterMs: 0 });
      }
      log.error(`haproxy rejected the new configuration; keeping the running one:\n${check.output.join('\n')}`);
      lastRejected = files;
      return outcome('rejected-by-haproxy');
    }
    await deps.store.activate(candidate.generation);
    lastRejected = undefined;
    if (!deps.supervisor.supervising) {
      await deps.supervisor.start();
      lastReloadAt = now();
      await markApplied(files, model);
      noteHeld(model, model);
      await afterLoad();
      return outcome('started');
    }
    if (!deps.supervisor.running) {
      // The pending restart loads `conf`, which now points at this generation.
      await markApplied(files, model);
      noteHeld(model, model);
      log.info(`haproxy is restarting; it will load generation ${candidate.generation}`);
      return outcome('reloaded', { reloadReasons: reasons });
    }
    for (const code of reasonCodes(reasons)) reloadCounts.set(code, (reloadCounts.get(code) ?? 0) + 1);
    lastReloadAt = now();
    // Pending deletions belong to the worker being replaced; none may reach the new one.
    deletes.clear();
    const result = await deps.supervisor.reload();
    if (!result.ok) {
      if (!deps.supervisor.running) {
        // The master died during the reload; its restart loads `conf`, which is this generation.
        await markApplied(files, model);
        noteHeld(model, model);
        log.warn(`haproxy stopped during the reload (${result.message}); its restart loads generation ${candidate.generation}`);
        return outcome('reloaded', { reloadReasons: reasons });
      }
      log.error(`haproxy reload failed (${result.message}); restoring the previous configuration on disk and retrying`);
      await deps.store.rollback();
      return outcome('reload-failed', { reloadReasons: reasons, retryAfterMs: RETRY_AFTER_FAILURE_MS });
    }
    await markApplied(files, model);
    noteHeld(model, model);
    await afterLoad();
    log.info(
      `haproxy reloaded (generation ${candidate.generation}, worker pid ${result.workerPid}): ${describeReasons(reasons)} (reloads so far: ${describeCounts(reloadCounts)})`,
    );
    return outcome('reloaded', { reloadReasons: reasons });
  }

  return {
    commit,
    workerRestarted() {
      restarted = true;
    },
    reloadCounts,
  };
}
