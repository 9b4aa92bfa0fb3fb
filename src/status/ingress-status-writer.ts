/**
 * Writes this router's entry in each Ingress's `status.loadBalancer.ingress[]`
 * (load-balancer-status.ts): present while a commit admits any route of the
 * Ingress, absent otherwise, including on Ingresses that are no longer ours.
 * It sees commits as an observer, writes only entries that differ from what
 * the Ingress carries, retries conflicts on the fresh object, stops fighting
 * over an Ingress whose entry someone else keeps changing, and runs its
 * writes in a WriteQueue.
 */
import type { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import type { CommitOutcome } from '../commit/outcome.ts';
import { isIngressRouteName } from '../domain/names.ts';
import { statusCodeOf } from '../kube-client/errors.ts';
import type { Logger } from '../log.ts';
import { ContentionTracker } from './contention.ts';
import { updatedLoadBalancer, type LoadBalancerIdentity, type LoadBalancerIngress } from './load-balancer-status.ts';
import type { WriteGate } from './write-gate.ts';
import { WriteQueue } from './write-queue.ts';

type IngressObject = KubernetesObject & { status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } } };

/** What the writer needs from the source: the Ingresses as last seen, and which Ingress a generated route came from. */
export interface IngressRecords {
  ingressRecord(key: string): { raw: IngressObject } | undefined;
  rememberIngress(raw: IngressObject): void;
  ingressKeys(): Iterable<string>;
  /** Generated routes carry their Ingress's uid. */
  ingressOfUid(uid: string): string | undefined;
}

const MAX_CONFLICT_RETRIES = 3;
const INGRESS = { group: 'networking.k8s.io', version: 'v1', plural: 'ingresses' } as const;

export class IngressStatusWriter {
  /** Whether each Ingress has a route admitted, as of the last commit. */
  private readonly served = new Map<string, boolean>();
  /** How many admitted routes each Ingress has, and the Ingress each admitted generated route counts for. */
  private readonly admittedRoutes = new Map<string, number>();
  private readonly countedFor = new Map<string, string>();
  /** Whether a commit was seen: before it, no Ingress is known to be ours or not. */
  private started = false;
  /** What we last wrote, to tell someone else's change of our entry from our own. */
  private readonly written = new Map<string, boolean>();
  private readonly contention: ContentionTracker;
  private readonly warnedContended = new Set<string>();
  private readonly queue: WriteQueue;
  private readonly log: Logger;

  constructor(
    private readonly opts: {
      api: CustomObjectsApi;
      records: IngressRecords;
      identity: LoadBalancerIdentity;
      contentionWindowMs: number;
      logger: Logger;
      /** When writes may start (default: always). */
      gate?: WriteGate;
    },
  ) {
    this.contention = new ContentionTracker(opts.contentionWindowMs);
    this.log = opts.logger.withTag('status');
    this.queue = new WriteQueue((key) => this.write(key), (key) => this.served.has(key), (key) => `Ingress ${key}`, this.log, { gate: opts.gate });
  }

  /**
   * Records which Ingresses the commit served, and writes whatever changed.
   * When the outcome names the routes whose verdict changed, only their
   * Ingresses are looked at, so a commit costs what it changed; otherwise
   * every Ingress the source knows.
   */
  update(outcome: Pick<CommitOutcome, 'admitted' | 'changed'>): void {
    const { changed } = outcome;
    if (changed === undefined) {
      this.admittedRoutes.clear();
      this.countedFor.clear();
    }
    const touched = new Set<string>();
    for (const key of changed ?? outcome.admitted.keys()) {
      const before = this.countedFor.get(key);
      if (before !== undefined) {
        this.count(before, -1);
        this.countedFor.delete(key);
        touched.add(before);
      }
      const route = outcome.admitted.get(key);
      const ingress = route && isIngressRouteName(route.name) ? this.opts.records.ingressOfUid(route.uid) : undefined;
      if (ingress === undefined) continue;
      this.count(ingress, +1);
      this.countedFor.set(key, ingress);
      touched.add(ingress);
    }
    this.started = true;
    if (changed !== undefined) {
      for (const key of touched) this.settle(key);
      return;
    }
    const known = new Set(this.opts.records.ingressKeys());
    for (const key of this.served.keys()) if (!known.has(key)) this.forget(key);
    for (const key of known) this.settle(key);
  }

  /** An Ingress changed on the server (perhaps its status, by someone else), came or went: check our entry again. */
  recheck(key: string): void {
    if (!this.started) return;
    if (this.served.has(key) && this.opts.records.ingressRecord(key)) this.queue.add(key);
    else this.settle(key);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.queue.stop();
  }

  private count(ingress: string, delta: 1 | -1): void {
    const n = (this.admittedRoutes.get(ingress) ?? 0) + delta;
    if (n > 0) this.admittedRoutes.set(ingress, n);
    else this.admittedRoutes.delete(ingress);
  }

  /** The Ingress's entry follows whether any of its routes is admitted; an Ingress that is gone is forgotten. */
  private settle(key: string): void {
    if (!this.opts.records.ingressRecord(key)) {
      this.forget(key);
      return;
    }
    const served = this.admittedRoutes.has(key);
    if (this.served.get(key) === served) return;
    this.served.set(key, served);
    this.queue.add(key);
  }

  private forget(key: string): void {
    this.served.delete(key);
    this.written.delete(key);
    this.queue.forget(key);
  }

  private contended(key: string, current: readonly LoadBalancerIngress[], served: boolean): boolean {
    // We wrote this state, the Ingress no longer shows it, and our view did not change: someone else changed it.
    if (this.written.get(key) === served && updatedLoadBalancer(current, this.opts.identity, served) !== undefined) this.contention.contended(key);
    if (!this.contention.isContended(key)) {
      this.warnedContended.delete(key);
      return false;
    }
    if (!this.warnedContended.has(key)) {
      this.warnedContended.add(key);
      this.log.warn(`Ingress ${key}: someone keeps changing this router's entry in its status; not writing it for now`);
    }
    return true;
  }

  private async write(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const served = this.served.get(key);
      const record = this.opts.records.ingressRecord(key);
      if (served === undefined || !record) return;
      const current = record.raw.status?.loadBalancer?.ingress ?? [];
      const next = updatedLoadBalancer(current, this.opts.identity, served);
      if (!next || this.contended(key, current, served)) return;
      try {
        const raw = record.raw;
        const body = { ...raw, status: { ...raw.status, loadBalancer: { ...raw.status?.loadBalancer, ingress: next } } };
        const saved = await this.opts.api.replaceNamespacedCustomObjectStatus({ ...INGRESS, namespace, name, body });
        this.opts.records.rememberIngress(saved as IngressObject);
        this.written.set(key, served);
        return;
      } catch (err) {
        if (statusCodeOf(err) === 404) return;
        if (statusCodeOf(err) !== 409 || attempt === MAX_CONFLICT_RETRIES) throw err;
        const fresh = await this.opts.api.getNamespacedCustomObject({ ...INGRESS, namespace, name });
        this.opts.records.rememberIngress(fresh as IngressObject);
      }
    }
  }
}
