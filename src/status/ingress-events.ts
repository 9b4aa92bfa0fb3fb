/**
 * Tells a tenant what the router does not serve of their Ingress where they
 * can read it: Kubernetes Events on the Ingress. Upstream's ingress-to-route
 * controller records an `IncompleteIngressToRouteRules` event for the rules
 * it cannot convert, and says in each generated Route's status why the
 * router did not admit it; here no Route object exists, so that rejection is
 * an Event too (Warning, with the admission reason: `HostAlreadyClaimed`,
 * ...). An Event is written when what is said about an Ingress or one of
 * its routes changes, never again for the same words; the writes go through
 * a WriteQueue (in the background, while the status gate is open, retried,
 * a newer word on the same subject replacing one not written yet). A router
 * that may not create Events says so once and writes none after.
 */
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { CommitOutcome } from '../commit/outcome.ts';
import { isIngressRouteName } from '../domain/names.ts';
import { statusCodeOf } from '../kube-client/errors.ts';
import type { Logger } from '../log.ts';
import type { WriteGate } from './write-gate.ts';
import { WriteQueue } from './write-queue.ts';

/** What the writer needs from the source: the Ingress as last seen (for its uid), and which Ingress a generated route came from. */
export interface IngressEventRecords {
  ingressRecord(key: string): { raw: { metadata?: { name?: string; namespace?: string; uid?: string } } } | undefined;
  ingressOfUid(uid: string): string | undefined;
}

/** The API server refuses an Event message over 1,024 bytes (events.k8s.io's note; core/v1 events are cut the same by client-go). */
export const MAX_EVENT_MESSAGE = 1024;

const COMPONENT = 'openshift-router';

interface PendingEvent {
  ingress: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** A message within the API server's bound, cut on a character (not a UTF-16 half) with an ellipsis. */
function bounded(message: string): string {
  if (Buffer.byteLength(message) <= MAX_EVENT_MESSAGE) return message;
  const chars = [...message];
  while (Buffer.byteLength(chars.join('')) > MAX_EVENT_MESSAGE - 3) chars.pop();
  return `${chars.join('')}...`;
}

export class IngressEventWriter {
  /** What the last event said of each Ingress's conversion. */
  private readonly said = new Map<string, string>();
  /** The rejection each generated route's last event said (`reason` NUL `message`). */
  private readonly rejected = new Map<string, string>();
  private readonly pending = new Map<string, PendingEvent>();
  private readonly queue: WriteQueue;
  private readonly log: Logger;
  private refused = false;
  private sequence = 0;

  constructor(
    private readonly opts: {
      api: Pick<CoreV1Api, 'createNamespacedEvent'>;
      records: IngressEventRecords;
      logger: Logger;
      gate?: WriteGate;
      now?: () => Date;
    },
  ) {
    this.log = opts.logger.withTag('status');
    // One write at a time: events are few, and a refusal then stops the rest.
    this.queue = new WriteQueue((id) => this.write(id), (id) => this.pending.has(id), (id) => `the event on Ingress ${this.pending.get(id)?.ingress ?? id}`, this.log, { concurrency: 1, ...(opts.gate ? { gate: opts.gate } : {}) });
  }

  /** The Ingress under `key` was converted again; `problems` are what is not served of it (its log lines), none when all of it is. */
  conversion(key: string, problems: readonly string[]): void {
    if (problems.length === 0) {
      this.said.delete(key);
      return;
    }
    const prefix = `Ingress ${key}: `;
    const text = problems.map((p) => (p.startsWith(prefix) ? p.slice(prefix.length) : p)).join('; ');
    if (this.said.get(key) === text) return;
    this.said.set(key, text);
    // upstream's reason and words
    this.enqueue(`rules ${key}`, { ingress: key, type: 'Normal', reason: 'IncompleteIngressToRouteRules', message: `Incomplete ingress to route rules detected: ${text}` });
  }

  /** Rejections of routes made from Ingresses, as the commit decided them: an event for each rejection that is new. */
  update(outcome: Pick<CommitOutcome, 'routes' | 'rejections' | 'changed'>): void {
    const { changed } = outcome;
    if (changed === undefined) for (const key of this.rejected.keys()) if (!outcome.rejections.has(key)) this.rejected.delete(key);
    for (const key of changed ?? outcome.rejections.keys()) {
      const route = outcome.routes.get(key);
      const rejection = outcome.rejections.get(key);
      if (route === undefined || rejection === undefined || !isIngressRouteName(route.name)) {
        this.rejected.delete(key);
        continue;
      }
      const text = `${rejection.reason}\u0000${rejection.message}`;
      if (this.rejected.get(key) === text) continue;
      this.rejected.set(key, text);
      const ingress = this.opts.records.ingressOfUid(route.uid);
      if (ingress === undefined) continue;
      const where = `host ${route.host}${/^\/*$/.test(route.path) ? '' : ` path ${route.path}`}`;
      // The generated route's name means nothing to the Ingress's owner.
      const message = rejection.message.replaceAll(route.name, `Ingress ${ingress.slice(ingress.indexOf('/') + 1)}`);
      this.enqueue(`route ${key}`, { ingress, type: 'Warning', reason: rejection.reason, message: `${where} is not served: ${message}` });
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    this.queue.stop();
  }

  private enqueue(id: string, event: PendingEvent): void {
    if (this.refused) return;
    this.pending.set(id, event);
    this.queue.add(id);
  }

  private async write(id: string): Promise<void> {
    const event = this.pending.get(id);
    if (event === undefined || this.refused) return;
    const meta = this.opts.records.ingressRecord(event.ingress)?.raw.metadata;
    const [namespace = '', name = ''] = event.ingress.split('/');
    if (meta === undefined) {
      // The Ingress is gone: nobody to tell.
      this.pending.delete(id);
      return;
    }
    const now = this.opts.now?.() ?? new Date();
    const body: CoreV1Event = {
      metadata: { name: `${name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}`, namespace },
      involvedObject: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace, name, ...(meta.uid ? { uid: meta.uid } : {}) },
      type: event.type,
      reason: event.reason,
      message: bounded(event.message),
      source: { component: COMPONENT },
      reportingComponent: COMPONENT,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    try {
      await this.opts.api.createNamespacedEvent({ namespace, body });
      if (this.pending.get(id) === event) this.pending.delete(id);
    } catch (e) {
      if (statusCodeOf(e) !== 403) throw e;
      if (this.refused) return;
      this.refused = true;
      this.pending.clear();
      this.log.warn('cannot create Events (forbidden): what is not served of Ingresses goes to the log only; let the router\'s account create events to tell their owners');
    }
  }
}
