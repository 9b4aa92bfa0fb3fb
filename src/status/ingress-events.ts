/**
 * Tells a tenant what the router does not serve of their Ingress where they
 * can read it: Kubernetes Events on the Ingress. Upstream's ingress-to-route
 * controller records an `IncompleteIngressToRouteRules` event for the rules
 * it cannot convert, and says in each generated Route's status why the
 * router did not admit it; here no Route object exists, so that rejection is
 * an Event too (Warning, with the admission reason: `HostAlreadyClaimed`,
 * ...). An Event is written when what is said about an Ingress or one of
 * its routes changes, never again for the same words, and at most once a
 * minute per subject: one that flips (another tenant's route taking and
 * leaving a host) tells its latest state when the minute is over. The
 * writes go through a WriteQueue (in the background, while the status gate
 * is open, retried, a newer word on the same subject replacing one not
 * written yet). A router that may not create Events says so once and writes
 * none after; a namespace being deleted refuses them too, and loses only its own.
 */
import type { CoreV1Api, CoreV1Event } from '@kubernetes/client-node';
import type { CommitOutcome } from '../commit/outcome.ts';
import { isIngressRouteName } from '../domain/names.ts';
import { randomBytes } from 'node:crypto';
import { errorMessage } from '../errors.ts';
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

/** The least time between two Events on one subject (an Ingress's rules, one of its routes). */
export const EVENT_INTERVAL_MS = 60_000;

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
  /** When each subject was last told (ms), and what waits for its minute to be over. */
  private readonly lastTold = new Map<string, number>();
  private readonly waiting = new Map<string, { event: PendingEvent; timer: ReturnType<typeof setTimeout> }>();
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
      /** Between two Events on one subject (default EVENT_INTERVAL_MS). */
      intervalMs?: number;
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
      this.cancel(`rules ${key}`);
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
        this.cancel(`route ${key}`);
        continue;
      }
      // The uid too: an Ingress made again under the same name is told again.
      const text = `${route.uid}\u0000${rejection.reason}\u0000${rejection.message}`;
      if (this.rejected.get(key) === text) continue;
      this.rejected.set(key, text);
      const ingress = this.opts.records.ingressOfUid(route.uid);
      if (ingress === undefined) continue;
      const host = route.wildcardPolicy === 'Subdomain' && route.host.startsWith('wildcard.') ? `*${route.host.slice('wildcard'.length)}` : route.host;
      const where = `host ${host}${/^\/*$/.test(route.path) ? '' : ` path ${route.path}`}`;
      // The generated route's name means nothing to the Ingress's owner.
      const message = rejection.message.replaceAll(route.name, `Ingress ${ingress.slice(ingress.indexOf('/') + 1)}`);
      this.enqueue(`route ${key}`, { ingress, type: 'Warning', reason: rejection.reason, message: `${where} is not served: ${message}` });
    }
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.queue.stop();
  }

  private enqueue(id: string, event: PendingEvent): void {
    if (this.refused) return;
    const interval = this.opts.intervalMs ?? EVENT_INTERVAL_MS;
    const last = this.lastTold.get(id);
    const wait = last === undefined ? 0 : last + interval - Date.now();
    if (wait <= 0) return this.send(id, event);
    // Within the subject's minute: the latest word waits for it to be over.
    const held = this.waiting.get(id);
    if (held) held.event = event;
    else {
      const timer = setTimeout(() => {
        const waited = this.waiting.get(id);
        this.waiting.delete(id);
        if (waited) this.send(id, waited.event);
      }, wait);
      timer.unref();
      this.waiting.set(id, { event, timer });
    }
  }

  /** The subject has nothing to say any more: a word waiting for its minute goes unsaid. */
  private cancel(id: string): void {
    const held = this.waiting.get(id);
    if (!held) return;
    clearTimeout(held.timer);
    this.waiting.delete(id);
  }

  private send(id: string, event: PendingEvent): void {
    if (this.refused) return;
    this.lastTold.set(id, Date.now());
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
      // client-go's form (name.<hex time>), with a random part: routers writing for one Ingress at once must not collide.
      metadata: { name: `${name}.${(BigInt(now.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000)).toString(16)}${randomBytes(3).toString('hex')}`, namespace },
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
      // A namespace being deleted refuses new objects: that event is moot, as client-go's recorder decides too.
      if (errorMessage(e).includes('because it is being terminated')) {
        this.pending.delete(id);
        return;
      }
      if (this.refused) return;
      this.refused = true;
      this.pending.clear();
      this.log.warn('cannot create Events (forbidden): what is not served of Ingresses goes to the log only; let the router\'s account create events to tell their owners');
    }
  }
}
