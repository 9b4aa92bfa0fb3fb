/**
 * The API side of `--enable-ingress`: Ingresses, IngressClasses and Services
 * listed and watched like Routes, and Secrets only in the namespaces where
 * Ingresses we serve name them (one watch per such namespace, started when
 * the first such Ingress appears and stopped when the last goes). What they
 * become is the IngressTranslator's business; the routes it makes reach the
 * sink through the KubeSource's delivery like any Route.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from '../../kube-client/list-watch.ts';
import type { Logger } from '../../log.ts';
import type { LoadBalancerIngress } from '../../status/load-balancer-status.ts';
import type { Conversion } from '../convert.ts';
import { toIngress, toIngressClass, toIngressSecret, toServicePorts } from '../ingress/convert-ingress.ts';
import { IngressTranslator } from '../ingress/ingress-translator.ts';
import { collectionPath, type Collection } from './api-lister.ts';

/** An Ingress as the API server last showed it, for status writes. */
export interface IngressRecord {
  raw: KubernetesObject & { status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } } };
}

export interface IngressWatchOptions {
  logger: Logger;
  /** Scope every watch to one namespace. */
  namespace: string | undefined;
  /** `--labels`: generated routes carry their Ingress's labels, so the selector picks Ingresses. */
  labelSelector: string | undefined;
  controller: string;
  /** Starts an informer (the KubeSource's, with its transport and backoff). */
  inform(c: Collection, onUpsert: (obj: KubernetesObject) => void, onDelete: (obj: KubernetesObject) => void): Informer;
  /** Route keys whose generated route may have changed. */
  onRoutesChanged(keys: readonly string[]): void;
  /** An Ingress object changed on the server, status included, or was deleted (the status writer rechecks it). */
  onIngressChanged?: (key: string) => void;
  /** An Ingress was converted again: what is not served of it now, one line each (none: all of it, or it is gone). */
  onProblems?: (key: string, problems: readonly string[]) => void;
  /** Whether the router serves `namespace` (--namespace-labels, --project-labels): others' Ingresses are another shard's to tell about. */
  namespaceServed?: (namespace: string) => boolean;
}

const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const collection = (groupVersion: string, plural: string, resourceName: string, namespace: string | undefined, labelSelector?: string): Collection => ({
  path: collectionPath(groupVersion, plural, namespace),
  resourceName,
  labelSelector,
  fieldSelector: undefined,
});

export class IngressWatch {
  private readonly translator: IngressTranslator;
  private readonly records = new Map<string, IngressRecord>();
  private readonly byUid = new Map<string, string>();
  private readonly secretWatches = new Map<string, { informer: Informer; synced: boolean }>();
  private readonly badObjects = new Set<string>();
  private informers: Informer[] = [];
  /** Set by `synced()`: before, changes are only recorded, so nothing is judged on a half-read world. */
  private ready = false;
  private stopped = false;

  constructor(private readonly opts: IngressWatchOptions) {
    this.translator = new IngressTranslator({ controller: opts.controller, secretsKnown: (ns) => this.secretWatches.get(ns)?.synced === true });
  }

  /** Starts the watches of Ingresses, IngressClasses and Services; returns them, for the source to await their first lists. */
  start(): Informer[] {
    const { namespace: ns, inform } = this.opts;
    const t = this.translator;
    this.informers = [
      inform(
        collection('networking.k8s.io/v1', 'ingresses', 'ingresses.networking.k8s.io', ns, this.opts.labelSelector),
        (obj) => this.onIngress(obj),
        (obj) => this.onIngress(obj, true),
      ),
      inform(
        collection('networking.k8s.io/v1', 'ingressclasses', 'ingressclasses.networking.k8s.io', undefined),
        (obj) => this.change(obj, toIngressClass(obj), (c) => t.setClass(obj.metadata?.name ?? '', c)),
        (obj) => this.change(obj, undefined, () => t.setClass(obj.metadata?.name ?? '', undefined)),
      ),
      inform(
        collection('v1', 'services', 'services', ns),
        (obj) => this.change(obj, toServicePorts(obj), (s) => t.setService(keyOf(obj), s)),
        (obj) => this.change(obj, undefined, () => t.setService(keyOf(obj), undefined)),
      ),
    ];
    return this.informers;
  }

  /** Once the informers `start` returned have synced: converts everything, then reads the Secrets it needs before resolving. */
  async synced(): Promise<void> {
    this.ready = true;
    this.refresh();
    await Promise.all([...this.secretWatches.values()].map((w) => w.informer.synced.catch(() => {})));
  }

  stop(): void {
    this.stopped = true;
    for (const informer of this.informers) informer.stop();
    for (const w of this.secretWatches.values()) w.informer.stop();
    this.secretWatches.clear();
  }

  route(key: string) {
    return this.translator.route(key);
  }

  routeKeys(): IterableIterator<string> {
    return this.translator.routeKeys();
  }

  ingressRecord(key: string): IngressRecord | undefined {
    return this.records.get(key);
  }

  /** Records an Ingress returned by a status write, so the next write starts from it. */
  rememberIngress(raw: IngressRecord['raw']): void {
    if (this.records.has(keyOf(raw))) this.records.set(keyOf(raw), { raw });
  }

  ingressKeys(): IterableIterator<string> {
    return this.records.keys();
  }

  /** The Ingress a generated route came from: generated routes carry their Ingress's uid. */
  ingressOfUid(uid: string): string | undefined {
    return this.byUid.get(uid);
  }

  private onIngress(obj: KubernetesObject, deleted = false): void {
    const key = keyOf(obj);
    const uid = obj.metadata?.uid ?? '';
    if (deleted) {
      this.records.delete(key);
      if (this.byUid.get(uid) === key) this.byUid.delete(uid);
      this.change(obj, undefined, () => this.translator.setIngress(key, undefined));
      if (this.ready) this.opts.onIngressChanged?.(key);
      return;
    }
    this.records.set(key, { raw: obj as IngressRecord['raw'] });
    if (uid !== '') this.byUid.set(uid, key);
    this.change(obj, toIngress(obj), (i) => this.translator.setIngress(key, i));
    if (this.ready) this.opts.onIngressChanged?.(key);
  }

  /** Applies a converted object (or a deletion: `converted` undefined); a malformed one counts as gone, reported once. */
  private change<T>(obj: KubernetesObject, converted: Conversion<T> | undefined, apply: (value: T | undefined) => void): void {
    const key = `${obj.kind ?? ''} ${keyOf(obj)}`;
    if (converted && !converted.ok) {
      if (!this.badObjects.has(key)) this.opts.logger.warn(`ignoring ${converted.error}`);
      this.badObjects.add(key);
    } else this.badObjects.delete(key);
    apply(converted?.ok ? converted.value : undefined);
    this.refresh();
  }

  /** Converts what changed, says what is new, follows the namespaces whose Secrets are needed, and passes the changed keys on. */
  private refresh(): void {
    if (!this.ready || this.stopped) return;
    const { changed, problems, converted } = this.translator.reconcile();
    for (const p of problems) this.opts.logger[p.level](p.message);
    const onProblems = this.opts.onProblems;
    const served = this.opts.namespaceServed ?? (() => true);
    if (onProblems) {
      for (const key of converted) {
        if (served(key.slice(0, key.indexOf('/')))) onProblems(key, this.translator.problemsOf(key).flatMap((p) => (p.level === 'warn' ? [p.message] : [])));
      }
    }
    this.followSecretNamespaces();
    if (changed.length > 0) this.opts.onRoutesChanged(changed);
  }

  private followSecretNamespaces(): void {
    const wanted = new Set(this.translator.secretNamespaces());
    for (const [ns, w] of this.secretWatches) {
      if (wanted.has(ns)) continue;
      w.informer.stop();
      this.secretWatches.delete(ns);
      this.translator.forgetSecrets(ns);
    }
    for (const ns of wanted) {
      if (this.secretWatches.has(ns)) continue;
      const informer = this.opts.inform(
        collection('v1', 'secrets', 'secrets', ns),
        (obj) => this.change(obj, toIngressSecret(obj), (s) => this.translator.setSecret(keyOf(obj), s)),
        (obj) => this.change(obj, undefined, () => this.translator.setSecret(keyOf(obj), undefined)),
      );
      const watch = { informer, synced: false };
      this.secretWatches.set(ns, watch);
      informer.synced.then(
        () => {
          watch.synced = true;
          this.translator.secretsChanged(ns);
          this.refresh();
        },
        () => {},
      );
    }
  }
}
