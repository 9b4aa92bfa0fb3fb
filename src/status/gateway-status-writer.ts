/**
 * Writes the status of the Gateway API objects this router serves: each
 * HTTPRoute's and TLSRoute's entries for its parentRefs to our Gateways
 * (a GRPCRoute's say it is not served)
 * (whether the Gateway took it, whether admission served what it became,
 * its references), each Gateway of ours (addresses, listeners, attached
 * routes) and each GatewayClass of ours (`Accepted`). It sees commits as an
 * observer (the admission verdicts decide route status), looks again when
 * an object changes on the server, writes only documents that differ from
 * what the object carries, and runs its writes in a WriteQueue.
 */
import type { CustomObjectsApi, KubernetesObject } from '@kubernetes/client-node';
import type { CommitOutcome } from '../commit/outcome.ts';
import type { Rejection } from '../admission/rejection.ts';
import { GATEWAY_GROUP } from '../domain/gateway.ts';
import { bad, condition, good } from '../gateway/conditions.ts';
import { classAccepted } from '../gateway/gateway-class.ts';
import { gatewayStatus, type GatewayAddress } from '../gateway/gateway-status.ts';
import { routeParentStatuses } from '../gateway/route-status.ts';
import { routeParents, sameStatus, storedConditions } from '../gateway/status-documents.ts';
import { statusCodeOf } from '../kube-client/errors.ts';
import type { Logger } from '../log.ts';
import type { GatewayWatch } from '../sources/kube/gateway-watch.ts';
import type { WriteGate } from './write-gate.ts';
import { WriteQueue } from './write-queue.ts';

type Json = Record<string, unknown>;
type StatusObject = KubernetesObject & { spec?: Json; status?: Json };
type Verdict = { admitted: true } | { admitted: false; rejection: Rejection };

/** Builds the status document from the object's current one and the time of a transition. */
type Wanted = (current: Json, now: string) => Json;

const MAX_CONFLICT_RETRIES = 3;
const PLACE: Readonly<Record<string, { version: string; plural: string }>> = {
  GatewayClass: { version: 'v1', plural: 'gatewayclasses' },
  Gateway: { version: 'v1', plural: 'gateways' },
  HTTPRoute: { version: 'v1', plural: 'httproutes' },
  TLSRoute: { version: 'v1alpha2', plural: 'tlsroutes' },
  GRPCRoute: { version: 'v1', plural: 'grpcroutes' },
};

/** What a GRPCRoute's entry for each of our Gateways says: the router serves no GRPCRoute yet. */
const GRPC_NOT_SERVED = [
  condition('Accepted', bad('NotAllowedByListeners', 'this router serves no GRPCRoute yet (HTTPRoute and TLSRoute only)')),
  condition('ResolvedRefs', good('ResolvedRefs')),
];

const generationOf = (o: StatusObject) => o.metadata?.generation ?? 1;

export class GatewayStatusWriter {
  private readonly verdicts = new Map<string, Verdict>();
  private wanted = new Map<string, Wanted>();
  private readonly queue: WriteQueue;
  private readonly log: Logger;
  private committed = false;
  private recheckTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: {
      api: CustomObjectsApi;
      watch: GatewayWatch;
      controllerName: string;
      /** Where clients reach the router, for Gateway `status.addresses`. */
      address: GatewayAddress | undefined;
      logger: Logger;
      /** When writes may start (default: always). */
      gate?: WriteGate;
      now?: () => Date;
    },
  ) {
    this.log = opts.logger.withTag('status');
    this.queue = new WriteQueue((key) => this.write(key), (key) => this.wanted.has(key), (key) => key, this.log, { gate: opts.gate });
  }

  /** Takes the commit's verdicts on the generated routes, and writes whatever changed. */
  update(outcome: Pick<CommitOutcome, 'admitted' | 'rejections'>): void {
    this.verdicts.clear();
    for (const key of this.opts.watch.routeKeys()) {
      const rejection = outcome.rejections.get(key);
      if (outcome.admitted.has(key)) this.verdicts.set(key, { admitted: true });
      else if (rejection !== undefined) this.verdicts.set(key, { admitted: false, rejection });
    }
    this.committed = true;
    this.refresh();
  }

  /** An object changed on the server (its spec, or its status by someone else): look at every document again, once per burst. */
  recheck(): void {
    if (!this.committed || this.recheckTimer !== undefined) return;
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = undefined;
      this.refresh();
    }, 0);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    clearTimeout(this.recheckTimer);
    this.queue.stop();
  }

  private refresh(): void {
    this.wanted = this.compute();
    const now = this.now();
    for (const [key, build] of this.wanted) {
      const current = this.opts.watch.records.get(key) as StatusObject | undefined;
      if (current && !sameStatus(current.status ?? {}, build(current.status ?? {}, now))) this.queue.add(key);
    }
  }

  private now(): string {
    return `${(this.opts.now?.() ?? new Date()).toISOString().slice(0, 19)}Z`;
  }

  private compute(): Map<string, Wanted> {
    const { watch, controllerName } = this.opts;
    const t = watch.translator;
    const out = new Map<string, Wanted>();
    const attached = new Map<string, number>();
    for (const [id, conversion] of t.conversions()) {
      const record = watch.records.get(id) as StatusObject | undefined;
      if (record === undefined) continue;
      const parents = routeParentStatuses(conversion, (key) => this.verdicts.get(key));
      if (parents === undefined) continue;
      const hadOurs = Array.isArray(record.status?.parents) && record.status.parents.some((p: Json) => p.controllerName === controllerName);
      if (parents.length === 0 && !hadOurs) continue;
      for (const p of parents) for (const l of p.listeners) attached.set(l, (attached.get(l) ?? 0) + 1);
      const refs = Array.isArray(record.spec?.parentRefs) ? record.spec.parentRefs : [];
      const generation = generationOf(record);
      const entries = parents.map((p) => ({ parentRef: refs[p.index], conditions: p.conditions }));
      out.set(id, (current, now) => ({ ...current, parents: routeParents(current.parents, controllerName, entries, generation, now) }));
    }
    for (const [key, route] of t.grpcRoutes) {
      const id = `GRPCRoute ${key}`;
      const record = watch.records.get(id) as StatusObject | undefined;
      if (record === undefined) continue;
      const refs = Array.isArray(record.spec?.parentRefs) ? record.spec.parentRefs : [];
      const ours = route.parentRefs.flatMap((p, i) => (p.group === GATEWAY_GROUP && p.kind === 'Gateway' && t.listenerStates().has(`${p.namespace ?? route.namespace}/${p.name}`) ? [{ parentRef: refs[i], conditions: GRPC_NOT_SERVED }] : []));
      const hadOurs = Array.isArray(record.status?.parents) && record.status.parents.some((p: Json) => p.controllerName === controllerName);
      if (ours.length === 0 && !hadOurs) continue;
      const generation = generationOf(record);
      out.set(id, (current, now) => ({ ...current, parents: routeParents(current.parents, controllerName, ours, generation, now) }));
    }
    for (const [key, listeners] of t.listenerStates()) {
      const id = `Gateway ${key}`;
      const record = watch.records.get(id) as StatusObject | undefined;
      const gateway = t.gateways.get(key);
      // A listener whose Secret is still being read cannot be judged yet.
      if (record === undefined || gateway === undefined || listeners.some((l) => l.certificate === 'pending')) continue;
      const status = gatewayStatus(gateway, listeners, attached, this.opts.address);
      const generation = generationOf(record);
      out.set(id, (current, now) => {
        const previousListeners = Array.isArray(current.listeners) ? (current.listeners as Json[]) : [];
        return {
          ...current,
          addresses: status.addresses,
          conditions: storedConditions(status.conditions, generation, current.conditions, now),
          listeners: status.listeners.map((l) => ({
            ...l,
            conditions: storedConditions(l.conditions, generation, previousListeners.find((p) => p.name === l.name)?.conditions, now),
          })),
        };
      });
    }
    for (const [name, gatewayClass] of t.classes) {
      const id = `GatewayClass ${name}`;
      const record = watch.records.get(id) as StatusObject | undefined;
      if (record === undefined || gatewayClass.controllerName !== controllerName) continue;
      const conditions = [condition('Accepted', classAccepted(gatewayClass))];
      out.set(id, (current, now) => ({ ...current, conditions: storedConditions(conditions, generationOf(record), current.conditions, now) }));
    }
    return out;
  }

  private async write(id: string): Promise<void> {
    const space = id.indexOf(' ');
    const kind = id.slice(0, space);
    const key = id.slice(space + 1);
    const place = PLACE[kind];
    if (place === undefined) return;
    const [namespace, name] = key.includes('/') ? key.split('/') : [undefined, key];
    const where = { group: GATEWAY_GROUP, ...place, name: name ?? '' };
    for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
      const build = this.wanted.get(id);
      const record = this.opts.watch.records.get(id) as StatusObject | undefined;
      if (build === undefined || record === undefined) return;
      const current = record.status ?? {};
      const next = build(current, this.now());
      if (sameStatus(current, next)) return;
      const body = { ...record, status: next };
      try {
        const saved =
          namespace === undefined
            ? await this.opts.api.replaceClusterCustomObjectStatus({ ...where, body })
            : await this.opts.api.replaceNamespacedCustomObjectStatus({ ...where, namespace, body });
        this.opts.watch.remember(kind, saved as KubernetesObject);
        return;
      } catch (err) {
        if (statusCodeOf(err) === 404) return;
        if (statusCodeOf(err) !== 409 || attempt === MAX_CONFLICT_RETRIES) throw err;
        const fresh =
          namespace === undefined
            ? await this.opts.api.getClusterCustomObject(where)
            : await this.opts.api.getNamespacedCustomObject({ ...where, namespace });
        this.opts.watch.remember(kind, fresh as KubernetesObject);
      }
    }
  }
}

