import { AdmissionIndex, type AdmissionViews } from '../admission/admission-index.ts';
import type { TlsValidator } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { AdmissionSettings } from '../admission/settings.ts';
import { defaultCaFile, type ContributionContext } from '../config/route-contribution.ts';
import { endpointSelector, type AddressFilter } from '../config/route-servers.ts';
import type { ConfigSettings } from '../config/settings.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { Route } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { budgetedChecks, checkRoom, MIN_MAX_CONNECTIONS } from './descriptor-budget.ts';
import { desiredConfig, type DesiredConfig } from './desired-config.ts';
import { DesiredIndex, type DesiredChange } from './desired-index.ts';
import { sizeMaxConnections } from './max-connections.ts';

/** What DesiredState needs besides the changes. */
export interface DesiredStateOptions {
  admission: AdmissionSettings;
  validateTls: TlsValidator | undefined;
  /** Settings with the operator's maxconn, lowered to what the open-file limit allows. */
  settings: ConfigSettings;
  fdLimit: number | undefined;
  allowAddress: AddressFilter;
  includeUdpEndpoints: boolean;
  defaultCertificate(): string;
  defaultDestinationCa(): string | undefined;
  /**
   * Changes (by identity) whenever `allowAddress` may answer differently
   * (the host's own addresses changed): every route's servers are then
   * selected again.
   */
  addressesVersion?(): unknown;
}

/** The changes since the last commit, as one commit takes them in. */
export interface DesiredChanges {
  routes: { upserts: readonly Route[]; removals: readonly string[] };
  slices: ReadonlyMap<string, EndpointSlice | undefined>;
  /** Routes kept out (quarantined), with their rejections: they still hold their hosts. */
  held: ReadonlyMap<string, Rejection>;
}

/** What one update changed, for the incremental planner. */
export interface DesiredStep {
  change: DesiredChange;
  /** Routes whose verdict changed (admitted, rejected, notice, or gone). */
  verdicts: ReadonlySet<string>;
  /**
   * The settings a fresh load would run with, when the indexes alone
   * decide the configuration; undefined when only the full step can: what
   * every contribution is computed with changed, or the health checks
   * would not fit the open-file limit and routes must be refused.
   */
  settings: ConfigSettings | undefined;
  defaultCertificate: string;
}

/**
 * Admission and the desired configuration kept up to date change by
 * change: an AdmissionIndex for the verdicts and a DesiredIndex for what
 * each admitted route contributes. `update` takes in one commit's changes
 * in time proportional to them; `full` gives the whole desired
 * configuration (as desiredConfig computes it from scratch) for the full
 * commit step.
 */
export class DesiredState {
  readonly admission: AdmissionIndex;
  readonly index: DesiredIndex;
  private defaultCa: string | undefined;
  private addresses: unknown;
  private settingsFor: { maxConnections: number; settings: ConfigSettings } | undefined;

  constructor(private readonly opts: DesiredStateOptions) {
    this.admission = new AdmissionIndex(opts.admission, opts.validateTls);
    this.defaultCa = opts.defaultDestinationCa();
    this.addresses = opts.addressesVersion?.();
    this.index = new DesiredIndex(this.context());
  }

  /** Every route known and its verdict, live (read them before the next update). */
  get views(): AdmissionViews {
    return this.admission.views;
  }

  update(changes: DesiredChanges): DesiredStep {
    const { changed } = this.admission.update(changes.routes.upserts, changes.routes.removals, changes.held);
    const verdicts = new Map<string, AdmittedRoute | undefined>();
    for (const key of changed) {
      const v = this.admission.verdict(key);
      verdicts.set(key, v && 'admitted' in v ? v.admitted : undefined);
    }
    const rebuilt = this.refreshContext();
    const change = this.index.update(verdicts, changes.slices);
    if (rebuilt) for (const [key, c] of rebuilt.routes) if (!change.routes.has(key)) change.routes.set(key, c);
    const defaultCertificate = this.opts.defaultCertificate();
    return { change, verdicts: changed, settings: rebuilt ? undefined : this.loadSettings(), defaultCertificate };
  }

  /** The whole desired configuration, from the indexes. */
  full(held: ReadonlyMap<string, Rejection>): DesiredConfig {
    const decided = this.admission.result();
    return desiredConfig({
      decided,
      draft: this.index.model(this.opts.defaultCertificate(), decided.admitted),
      routes: decided.considered.values(),
      held,
      slices: this.index.slices(),
      admission: this.opts.admission,
      validateTls: this.opts.validateTls,
      settings: this.opts.settings,
      fdLimit: this.opts.fdLimit,
      allowAddress: this.opts.allowAddress,
      includeUdpEndpoints: this.opts.includeUdpEndpoints,
      defaultCertificate: this.opts.defaultCertificate(),
      defaultDestinationCa: this.defaultCa,
    });
  }

  private context(): ContributionContext {
    return { settings: this.opts.settings, endpoints: endpointSelector(this.opts.allowAddress, this.opts.includeUdpEndpoints), defaultCa: defaultCaFile(this.defaultCa) };
  }

  /** Recomputes every contribution when the default CA or the host's addresses changed; returns that change. */
  private refreshContext(): DesiredChange | undefined {
    const defaultCa = this.opts.defaultDestinationCa();
    const addresses = this.opts.addressesVersion?.();
    if (defaultCa === this.defaultCa && addresses === this.addresses) return undefined;
    this.defaultCa = defaultCa;
    this.addresses = addresses;
    return this.index.setContext(this.context());
  }

  /** The settings a fresh load of the indexes' model runs with; undefined when routes would have to be refused. */
  private loadSettings(): ConfigSettings | undefined {
    const checks = this.index.checkServerCount();
    const room = checkRoom(this.opts.fdLimit);
    if (room !== undefined && checks > room) return undefined;
    const maxConnections = sizeMaxConnections(this.opts.settings.maxConnections, this.opts.fdLimit, budgetedChecks(checks, room));
    if (maxConnections < MIN_MAX_CONNECTIONS) return undefined;
    if (this.settingsFor?.maxConnections !== maxConnections) this.settingsFor = { maxConnections, settings: { ...this.opts.settings, maxConnections } };
    return this.settingsFor.settings;
  }
}
