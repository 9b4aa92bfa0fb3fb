import { PatchStrategy, setHeaderOptions, type CustomObjectsApi } from '@kubernetes/client-node';
import type { Rejection } from '../admission/rejection.ts';
import { statusCodeOf } from '../kube-client/errors.ts';
import type { Logger } from '../log.ts';
import { ContentionTracker } from './contention.ts';
import { desiredIngress, sameIngress, updatedIngressList, type StatusIdentity } from './ingress-status.ts';
import type { RouteRecord } from '../sources/kube/route-record.ts';
import type { WriteGate } from './write-gate.ts';
import { WriteQueue } from './write-queue.ts';

/** What the writer needs from the source: the route as last seen, and a way to record the API's answer. */
export interface RouteRecords {
  routeRecord(key: string): RouteRecord | undefined;
  /** Records a route object the API returned (`routeRecordOf` keeps what the next write needs); `writtenOver`: the resourceVersion a status write was conditional on. */
  rememberRoute(raw: unknown, writtenOver?: string): void;
}

/** This router's verdict on one route. */
export interface RouteVerdict {
  host: string;
  wildcardPolicy: string;
  /** The uid of the route object judged (empty when the source has none): another object of the same name waits for its own verdict, as upstream skips a route whose uid changed. */
  uid?: string;
  rejection: Rejection | undefined;
  /** For an admitted route: what the router could not honour (annotations not implemented yet). */
  notice?: string | undefined;
}

/** Whether two verdicts make the same status entry (desiredIngress's fields, timestamps aside). */
function sameEntry(a: RouteVerdict, b: RouteVerdict): boolean {
  return (
    a.host === b.host &&
    (a.wildcardPolicy || 'None') === (b.wildcardPolicy || 'None') &&
    (a.rejection === undefined) === (b.rejection === undefined) &&
    (a.rejection?.reason ?? '') === (b.rejection?.reason ?? '') &&
    ((a.rejection ? a.rejection.message : a.notice) ?? '') === ((b.rejection ? b.rejection.message : b.notice) ?? '')
  );
}

const MAX_CONFLICT_RETRIES = 3;
const ROUTE = { group: 'route.openshift.io', version: 'v1', plural: 'routes' } as const;
const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Writes this router's `status.ingress[]` entry (Admitted True, or False with
 * the reason) through the status subresource. It writes only when the entry
 * differs from what the route carries, as a merge patch of `status.ingress`
 * conditional on the resourceVersion it was computed from (so the router
 * need not keep the whole object, and nothing but the status is sent back),
 * retries conflicts on the fresh object,
 * and stops fighting over a route that another router with the same name
 * keeps changing (contention tracking, as upstream). Writes run in a
 * WriteQueue (one at a time, failures retried with backoff); they end when
 * the source stops.
 */
export class StatusWriter {
  /** A route's verdict object is kept while its entry stays the same, so once written it is what the entry was written for. */
  private readonly verdicts = new Map<string, RouteVerdict>();
  /**
   * The routes whose entry was last written for another verdict than the
   * one they have (undefined: never written): the few not written yet,
   * not a table of every route (6.8 MB at 100,000). See writtenFor.
   */
  private readonly writtenOther = new Map<string, RouteVerdict | undefined>();
  private readonly queue: WriteQueue;
  private readonly contention: ContentionTracker;
  private readonly warnedContended = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly opts: {
      api: CustomObjectsApi;
      records: RouteRecords;
      identity: StatusIdentity;
      contentionWindowMs: number;
      logger: Logger;
      /** When writes may start (default: always). */
      gate?: WriteGate;
      now?: () => Date;
    },
  ) {
    this.contention = new ContentionTracker(opts.contentionWindowMs);
    this.log = opts.logger.withTag('status');
    this.queue = new WriteQueue((key) => this.write(key), (key) => this.verdicts.has(key), (key) => `route ${key}`, this.log, { gate: opts.gate });
  }

  /**
   * Records the verdicts of a commit and writes whatever changed. Routes
   * absent from `verdicts` are forgotten: all of them, or when `changed`
   * says which routes the verdicts are for, those among them.
   */
  update(verdicts: ReadonlyMap<string, RouteVerdict>, changed?: ReadonlySet<string>): void {
    for (const key of changed ?? this.verdicts.keys()) if (!verdicts.has(key) && this.verdicts.has(key)) this.forget(key);
    for (const [key, verdict] of verdicts) {
      const before = this.verdicts.get(key);
      // Another object under the same name (deleted and created again) is news even with the same entry.
      const recreated = before !== undefined && before.uid !== verdict.uid;
      if (!before || !sameEntry(before, verdict) || recreated) {
        if (!this.writtenOther.has(key)) this.writtenOther.set(key, before);
        this.verdicts.set(key, verdict);
      }
      if (!before || recreated || before.host !== verdict.host || before.rejection?.message !== verdict.rejection?.message || before.notice !== verdict.notice || before.wildcardPolicy !== verdict.wildcardPolicy) {
        this.queue.add(key);
      }
    }
  }

  /** A route object changed on the server (perhaps its status, by someone else): check our entry again. */
  recheck(key: string): void {
    if (!this.verdicts.has(key)) return;
    this.queue.add(key);
  }

  /** Resolves once every queued write is done (tests); retries scheduled for later are not waited for. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Writes nothing more: queued writes and pending retries are dropped; a write in flight completes. */
  stop(): void {
    this.queue.stop();
  }

  private forget(key: string): void {
    this.verdicts.delete(key);
    this.writtenOther.delete(key);
    this.queue.forget(key);
  }

  /** The verdict the route's entry was last written for, if it was. */
  private writtenFor(key: string): RouteVerdict | undefined {
    return this.writtenOther.has(key) ? this.writtenOther.get(key) : this.verdicts.get(key);
  }

  /** A write of `verdict` succeeded (the route may have been forgotten, or its verdict changed, meanwhile). */
  private written(key: string, verdict: RouteVerdict): void {
    const now = this.verdicts.get(key);
    if (now === verdict) this.writtenOther.delete(key);
    else if (now !== undefined) this.writtenOther.set(key, verdict);
  }

  private async write(key: string): Promise<void> {
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const verdict = this.verdicts.get(key);
      const record = this.opts.records.routeRecord(key);
      if (!verdict || !record) return;
      // Deleted and created again under its name: the commit that judges the new object sends its verdict.
      if (verdict.uid && record.uid && verdict.uid !== record.uid) return;
      const desired = desiredIngress(verdict, verdict.rejection, this.opts.identity, (this.opts.now ?? (() => new Date()))(), verdict.notice);
      const current = record.ingress;
      const next = updatedIngressList(current, desired);
      // Found right (after a restart, every route): it counts as written for this verdict, so writtenOther keeps no entry for it.
      if (!next) return this.written(key, verdict);
      const writtenFor = this.writtenFor(key);
      const mine = current.find((e) => e.routerName === desired.routerName);
      // Our entry was right once and has been changed since, while our verdict stayed the same: someone else wrote it.
      if (writtenFor && mine && sameEntry(writtenFor, verdict) && !sameIngress(desired, mine)) this.contention.contended(key);
      if (this.contention.isContended(key)) {
        if (!this.warnedContended.has(key)) {
          this.warnedContended.add(key);
          this.log.warn(`route ${key}: another router named ${desired.routerName} keeps changing its status; not writing it for now`);
        }
        return;
      }
      this.warnedContended.delete(key);
      const [namespace = '', name = ''] = key.split('/');
      try {
        const precondition = record.resourceVersion ? { metadata: { resourceVersion: record.resourceVersion } } : {};
        const body = { ...precondition, status: { ingress: next } };
        const saved: unknown = await this.opts.api.patchNamespacedCustomObjectStatus({ ...ROUTE, namespace, name, body }, MERGE_PATCH);
        this.opts.records.rememberRoute(saved, record.resourceVersion);
        this.written(key, verdict);
        return;
      } catch (err) {
        if (statusCodeOf(err) === 404) return;
        if (statusCodeOf(err) !== 409 || attempt === MAX_CONFLICT_RETRIES) throw err;
        const fresh: unknown = await this.opts.api.getNamespacedCustomObject({ ...ROUTE, namespace, name });
        this.opts.records.rememberRoute(fresh);
      }
    }
  }
}
