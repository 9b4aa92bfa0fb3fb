/**
 * The API side of `--enable-gateway-api`: GatewayClasses, Gateways,
 * HTTPRoutes, TLSRoutes, GRPCRoutes (for their status alone: none is
 * served yet), ReferenceGrants, Namespaces (for `allowedRoutes`
 * selectors) and Services listed and watched, and Secrets only in the
 * namespaces whose listeners name them. Only the resources discovery shows
 * are watched: a cluster without the CRDs is said once and everything else
 * is served as before. What the objects become is the GatewayTranslator's
 * business; its routes reach the sink through the KubeSource's delivery.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from '../../kube-client/list-watch.ts';
import type { ServedResource } from '../../kube-client/discovery.ts';
import type { Logger } from '../../log.ts';
import type { Conversion } from '../convert.ts';
import { sameValue } from '../same-value.ts';
import { toGateway, toGatewayClass, toNamespaceLabels, toReferenceGrant } from '../gateway/convert-gateway.ts';
import { toGRPCRoute, toHTTPRoute, toTLSRoute } from '../gateway/convert-routes.ts';
import { GatewayTranslator } from '../gateway/gateway-translator.ts';
import { toIngressSecret, toServicePorts } from '../ingress/convert-ingress.ts';
import { collectionPath, type Collection } from './api-lister.ts';

export interface GatewayWatchOptions {
  logger: Logger;
  /** The resources the API serves in a group version, undefined when it serves none (kube-client/discovery.ts). */
  discover(groupVersion: string): Promise<readonly ServedResource[] | undefined>;
  namespace: string | undefined;
  controllerName: string;
  httpPort: number;
  httpsPort: number;
  inform(c: Collection, onUpsert: (obj: KubernetesObject) => void, onDelete: (obj: KubernetesObject) => void): Informer;
  onRoutesChanged(keys: readonly string[]): void;
  /** A Gateway API object changed on the server, status included: the status writer looks again. */
  onObjectChanged?: () => void;
}

/** The group-versions of the kinds served, as the issue names them. */
const GROUP = 'gateway.networking.k8s.io';
const RESOURCES = [
  { version: 'v1', plural: 'gatewayclasses', kind: 'GatewayClass', namespaced: false },
  { version: 'v1', plural: 'gateways', kind: 'Gateway', namespaced: true },
  { version: 'v1', plural: 'httproutes', kind: 'HTTPRoute', namespaced: true },
  { version: 'v1beta1', plural: 'referencegrants', kind: 'ReferenceGrant', namespaced: true },
  { version: 'v1alpha2', plural: 'tlsroutes', kind: 'TLSRoute', namespaced: true },
  // Not served: read for their status only.
  { version: 'v1', plural: 'grpcroutes', kind: 'GRPCRoute', namespaced: true },
] as const;
type Kind = (typeof RESOURCES)[number]['kind'];
/** The kinds whose status the router writes: their objects are kept as last seen. */
export const STATUS_KINDS: ReadonlySet<string> = new Set(['GatewayClass', 'Gateway', 'HTTPRoute', 'TLSRoute', 'GRPCRoute']);

const keyOf = (o: KubernetesObject) => (o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata?.name ?? ''));
const collection = (groupVersion: string, plural: string, resourceName: string, namespace: string | undefined): Collection => ({
  path: collectionPath(groupVersion, plural, namespace),
  resourceName,
  labelSelector: undefined,
  fieldSelector: undefined,
});

export class GatewayWatch {
  readonly translator: GatewayTranslator;
  /** Objects as the API server last showed them, by `Kind key`, for status writes. */
  readonly records = new Map<string, KubernetesObject>();
  private readonly secretWatches = new Map<string, { informer: Informer; synced: boolean }>();
  private readonly badObjects = new Set<string>();
  /** What each object last converted to: a change of status alone (our own writes included) converts nothing again. */
  private readonly applied = new Map<string, unknown>();
  private informers: Informer[] = [];
  private ready = false;
  private stopped = false;

  constructor(private readonly opts: GatewayWatchOptions) {
    this.translator = new GatewayTranslator({
      controllerName: opts.controllerName,
      httpPort: opts.httpPort,
      httpsPort: opts.httpsPort,
      secretsKnown: (ns) => this.secretWatches.get(ns)?.synced === true,
    });
  }

  /** Starts the watches of the kinds the API serves; returns them, for the source to await their first lists. */
  async start(): Promise<Informer[]> {
    const served = await this.servedKinds();
    const missing = RESOURCES.filter((r) => !served.has(r.kind));
    if (missing.length === RESOURCES.length) {
      this.opts.logger.warn(`the Gateway API (${GROUP}) is not installed in the cluster: no Gateway API object is served until the router restarts with its CRDs installed`);
      return [];
    }
    if (missing.length > 0) this.opts.logger.warn(`the API serves no ${missing.map((r) => `${r.kind} ${GROUP}/${r.version}`).join(', ')}: none is read`);
    const t = this.translator;
    const ns = this.opts.namespace;
    const handlers: Record<Kind, (obj: KubernetesObject, deleted: boolean) => void> = {
      GatewayClass: (obj, d) => this.change('GatewayClass', obj, d, toGatewayClass, (v) => t.setClass(keyOf(obj), v)),
      Gateway: (obj, d) => this.change('Gateway', obj, d, toGateway, (v) => t.setGateway(keyOf(obj), v)),
      HTTPRoute: (obj, d) => this.change('HTTPRoute', obj, d, toHTTPRoute, (v) => t.setHTTPRoute(keyOf(obj), v)),
      ReferenceGrant: (obj, d) => this.change('ReferenceGrant', obj, d, toReferenceGrant, (v) => t.setGrant(keyOf(obj), v)),
      TLSRoute: (obj, d) => this.change('TLSRoute', obj, d, toTLSRoute, (v) => t.setTLSRoute(keyOf(obj), v)),
      GRPCRoute: (obj, d) => this.change('GRPCRoute', obj, d, toGRPCRoute, (v) => t.setGRPCRoute(keyOf(obj), v)),
    };
    const inform = (c: Collection, on: (obj: KubernetesObject, deleted: boolean) => void) => this.opts.inform(c, (o) => on(o, false), (o) => on(o, true));
    this.informers = [
      ...RESOURCES.filter((r) => served.has(r.kind)).map((r) =>
        inform(collection(`${GROUP}/${r.version}`, r.plural, `${r.plural}.${GROUP}`, r.namespaced ? ns : undefined), handlers[r.kind]),
      ),
      inform(collection('v1', 'namespaces', 'namespaces', undefined), (obj, d) => this.change('Namespace', obj, d, toNamespaceLabels, (v) => t.setNamespace(keyOf(obj), v))),
      inform(collection('v1', 'services', 'services', ns), (obj, d) => this.change('Service', obj, d, toServicePorts, (v) => t.setService(keyOf(obj), v))),
    ];
    return this.informers;
  }

  /** Once the informers `start` returned have synced: converts everything, then reads the Secrets listeners need. */
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

  /** Records an object returned by a status write, so the next write starts from it. */
  remember(kind: string, raw: KubernetesObject): void {
    const key = `${kind} ${keyOf(raw)}`;
    if (this.records.has(key)) this.records.set(key, raw);
  }

  private async servedKinds(): Promise<Set<string>> {
    const served = new Set<string>();
    for (const version of new Set(RESOURCES.map((r) => r.version))) {
      const resources = await this.opts.discover(`${GROUP}/${version}`);
      for (const r of RESOURCES) if (r.version === version && resources?.some((x) => x.name === r.plural)) served.add(r.kind);
    }
    return served;
  }

  /** Applies an object (or its deletion); a malformed one counts as gone, reported once. */
  private change<T>(kind: string, obj: KubernetesObject, deleted: boolean, convert: (obj: unknown) => Conversion<T>, apply: (value: T | undefined) => void): void {
    const key = `${kind} ${keyOf(obj)}`;
    const converted = deleted ? undefined : convert(obj);
    if (converted && !converted.ok) {
      if (!this.badObjects.has(key)) this.opts.logger.warn(`ignoring ${converted.error}`);
      this.badObjects.add(key);
    } else this.badObjects.delete(key);
    if (STATUS_KINDS.has(kind)) {
      if (deleted) this.records.delete(key);
      else this.records.set(key, obj);
    }
    const value = converted?.ok ? converted.value : undefined;
    if (value === undefined || !sameValue(value, this.applied.get(key))) {
      if (value === undefined) this.applied.delete(key);
      else this.applied.set(key, value);
      apply(value);
      this.refresh();
    }
    if (this.ready) this.opts.onObjectChanged?.();
  }

  private refresh(): void {
    if (!this.ready || this.stopped) return;
    const changed = this.translator.reconcile();
    this.followSecretNamespaces();
    if (changed.length > 0) this.opts.onRoutesChanged(changed);
  }

  private followSecretNamespaces(): void {
    const wanted = this.translator.secretNamespaces();
    for (const [ns, w] of this.secretWatches) {
      if (wanted.has(ns)) continue;
      w.informer.stop();
      this.secretWatches.delete(ns);
      this.translator.forgetSecrets(ns);
      for (const key of [...this.applied.keys()]) if (key.startsWith(`Secret ${ns}/`)) this.applied.delete(key);
    }
    for (const ns of wanted) {
      if (this.secretWatches.has(ns)) continue;
      const informer = this.opts.inform(
        collection('v1', 'secrets', 'secrets', ns),
        (obj) => this.change('Secret', obj, false, toIngressSecret, (s) => this.translator.setSecret(keyOf(obj), s)),
        (obj) => this.change('Secret', obj, true, toIngressSecret, () => this.translator.setSecret(keyOf(obj), undefined)),
      );
      const watch = { informer, synced: false };
      this.secretWatches.set(ns, watch);
      informer.synced.then(
        () => {
          watch.synced = true;
          this.translator.secretsChanged();
          this.refresh();
          this.opts.onObjectChanged?.();
        },
        () => {},
      );
    }
  }
}
