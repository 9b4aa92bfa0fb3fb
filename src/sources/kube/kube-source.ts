import type { KubernetesObject } from '@kubernetes/client-node';
import type { Source, SourceSink } from '../../domain/events.ts';
import type { IdentityFields } from '../../kube-client/identity.ts';
import { startInformer, type Informer } from '../../kube-client/list-watch.ts';
import type { KubeTransport } from '../../kube-client/transport.ts';
import type { Watcher } from '../../kube-client/watch.ts';
import type { Logger } from '../../log.ts';
import { routeRecordOf, type RouteRecord } from './route-record.ts';
import { toEndpointSlices, toRoute } from '../convert.ts';
import { collectionPath, rawLister, selectingWatcher, type Collection } from './api-lister.ts';
import { Delivery, KINDS, type DomainObject, type Kind } from './delivery.ts';
import { GatewayWatch } from './gateway-watch.ts';
import { IngressWatch } from './ingress-watch.ts';
import { RouteSecrets } from './route-secrets.ts';
import { objectKey, withObjectKey, type Route } from '../../domain/route.ts';

export interface KubeSourceOptions {
  transport: KubeTransport;
  watch: Watcher;
  logger: Logger;
  /** Scope every watch to one namespace. */
  namespace: string | undefined;
  routeLabels: string | undefined;
  routeFields: string | undefined;
  /** Serve only namespaces matching this selector (watched: changes replay or purge their routes). */
  namespaceLabels: string | undefined;
  /** As namespaceLabels, on OpenShift projects ("*" = all); namespaces stand in where the project API is absent. */
  projectLabels: string | undefined;
  watchEndpoints: boolean;
  /** Read the Secrets routes name in spec.tls.externalCertificate (false: such routes are rejected, saying why). */
  externalCertificates: boolean;
  /** Informer restart backoff (tests shorten it). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Called whenever a route object changes on the server, status included (the status writer rechecks it). */
  onRouteChanged?: (key: string) => void;
  /** `--enable-ingress`: serve Ingresses of IngressClasses with this controller too. */
  ingress?: { controller: string; onIngressChanged?: (key: string) => void };
  /** `--enable-gateway-api`: serve HTTPRoutes and TLSRoutes of Gateways of this controller's classes too. */
  gateway?: { controllerName: string; httpPort: number; httpsPort: number; onObjectChanged?: () => void };
}

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const namespaceOf = (key: string) => key.slice(0, key.indexOf('/'));

/**
 * Routes and endpoints from the Kubernetes API, through
 * client-node's informer machinery on our Bun transport. Objects are
 * converted at the edge, held back while their namespace is not selected,
 * and delivered only after every informer has synced, in batches that drop
 * what changes nothing (`delivery.ts`: resyncs, relists and bursts cost
 * little).
 */
export class KubeSource implements Source {
  private readonly tracked: Record<Kind, Map<string, DomainObject>> = { Route: new Map(), EndpointSlice: new Map() };
  /**
   * The slice records of an Endpoints object with several subsets, to delete
   * them together; every other object is the one record of its own key, or
   * none (slicesOf): a table entry per object would cost 7 MB at 100,000.
   */
  private readonly otherSlices = new Map<string, string[]>();
  /**
   * Per route, its record, and `converted`: the resourceVersion the tracked
   * route was converted from, or one that a status write of ours made of
   * it: the echo of each write through the watch (10,000 after a first
   * start) and an unchanged object a relist hands back again have nothing
   * new to convert or recheck. One table for both.
   */
  private readonly routeRecords = new Map<string, RouteRecord & { converted: string | undefined }>();
  private readonly badObjects = new Set<string>();
  /** undefined: every namespace is served. */
  private allowed: Set<string> | undefined;
  private informers: Informer[] = [];
  /** Set once every informer has synced: nothing is delivered before. */
  private delivery: Delivery | undefined;
  private readonly log: Logger;
  /** The Ingresses and what they need, when Ingresses are served. */
  readonly ingress: IngressWatch | undefined;
  /** The Gateway API objects and what they need, when they are served. */
  readonly gateway: GatewayWatch | undefined;
  /** The Secrets routes name in spec.tls.externalCertificate. */
  private readonly secrets: RouteSecrets;

  constructor(private readonly opts: KubeSourceOptions) {
    this.log = opts.logger.withTag('kube');
    this.ingress = opts.ingress && new IngressWatch({
      logger: opts.logger.withTag('ingress'),
      namespace: opts.namespace,
      labelSelector: opts.routeLabels,
      controller: opts.ingress.controller,
      inform: (c, onUpsert, onDelete) => this.inform(c, onUpsert, onDelete),
      onRoutesChanged: (keys) => this.deliver('Route', keys),
      ...(opts.ingress.onIngressChanged ? { onIngressChanged: opts.ingress.onIngressChanged } : {}),
    });
    this.gateway = opts.gateway && new GatewayWatch({
      ...opts.gateway,
      logger: opts.logger.withTag('gateway'),
      transport: opts.transport,
      namespace: opts.namespace,
      inform: (c, onUpsert, onDelete) => this.inform(c, onUpsert, onDelete),
      onRoutesChanged: (keys) => this.deliver('Route', keys),
    });
    this.secrets = new RouteSecrets({
      enabled: opts.externalCertificates,
      inform: (c, onUpsert, onDelete, onError) => this.inform(c, onUpsert, onDelete, onError),
      onRoutesChanged: (keys) => this.deliver('Route', keys),
    });
  }

  /** The route as last seen from the API, for status writes. */
  routeRecord(key: string): RouteRecord | undefined {
    return this.routeRecords.get(key);
  }

  /**
   * Records a route object the API returned (a read, or a status write over
   * `writtenOver`), so the next write starts from it. A write conditional on
   * the version the tracked route came from changed its status only, so the
   * object it returned holds the same route.
   */
  rememberRoute(raw: unknown, writtenOver?: string): void {
    const key = keyOf(raw as KubernetesObject);
    const record = routeRecordOf(raw, (this.tracked.Route.get(key) as Route | undefined)?.host);
    const converted = this.routeRecords.get(key)?.converted;
    this.routeRecords.set(key, { ...record, converted: writtenOver && record.resourceVersion && converted === writtenOver ? record.resourceVersion : converted });
  }

  async start(sink: SourceSink): Promise<void> {
    const o = this.opts;
    const ns = o.namespace;
    this.informers.push(
      this.inform(
        { path: collectionPath('route.openshift.io/v1', 'routes', ns), resourceName: 'routes.route.openshift.io', labelSelector: o.routeLabels, fieldSelector: o.routeFields },
        (obj) => this.onRoute(obj),
        (obj) => this.remove('Route', [keyOf(obj)], obj),
        undefined,
        // These handlers key objects by namespace and name alone: the cache keeps no uid, kind or apiVersion of them.
        'name',
      ),
      o.watchEndpoints
        ? this.inform(
            { path: collectionPath('v1', 'endpoints', ns), resourceName: 'endpoints', labelSelector: undefined, fieldSelector: undefined },
            (obj) => this.onEndpoints(obj, 'Endpoints'),
            (obj) => this.remove('EndpointSlice', this.slicesOf(keyOf(obj)), obj),
            undefined,
            'name',
          )
        : this.inform(
            { path: collectionPath('discovery.k8s.io/v1', 'endpointslices', ns), resourceName: 'endpointslices.discovery.k8s.io', labelSelector: undefined, fieldSelector: undefined },
            (obj) => this.onEndpoints(obj, 'EndpointSlice'),
            (obj) => this.remove('EndpointSlice', this.slicesOf(keyOf(obj)), obj),
            undefined,
            'name',
          ),
    );
    if (this.ingress) this.informers.push(...this.ingress.start());
    if (this.gateway) this.informers.push(...(await this.gateway.start()));
    const namespaces = await this.namespaceCollection();
    if (namespaces) {
      this.allowed = new Set();
      this.informers.push(
        this.inform(
          namespaces,
          (obj) => this.setNamespace(obj.metadata?.name ?? '', true),
          (obj) => this.setNamespace(obj.metadata?.name ?? '', false),
        ),
      );
    }
    await Promise.all(this.informers.map((i) => i.synced));
    await this.ingress?.synced();
    await this.gateway?.synced();
    await this.secrets.settled();
    const delivery = new Delivery(sink, (kind, key) => this.wanted(kind, key));
    this.delivery = delivery;
    for (const kind of KINDS) delivery.mark(kind, this.tracked[kind].keys());
    if (this.ingress) delivery.mark('Route', this.ingress.routeKeys());
    if (this.gateway) delivery.mark('Route', this.gateway.routeKeys());
    delivery.flush();
    sink.synced();
  }

  async stop(): Promise<void> {
    for (const informer of this.informers) informer.stop();
    this.informers = [];
    this.ingress?.stop();
    this.gateway?.stop();
    this.secrets.stop();
    this.delivery?.stop();
  }

  /** The namespace (or project) collection to watch for selection, or undefined when every namespace is served. */
  private async namespaceCollection(): Promise<Collection | undefined> {
    const { namespaceLabels, projectLabels } = this.opts;
    if (namespaceLabels !== undefined) {
      return { path: '/api/v1/namespaces', resourceName: 'namespaces', labelSelector: namespaceLabels, fieldSelector: undefined };
    }
    if (projectLabels === undefined) return undefined;
    const selector = projectLabels === '*' ? undefined : projectLabels;
    const res = await this.opts.transport.kubeFetch(`${this.opts.transport.server}/apis/project.openshift.io/v1`).catch(() => undefined);
    if (res?.ok) return { path: '/apis/project.openshift.io/v1/projects', resourceName: 'projects.project.openshift.io', labelSelector: selector, fieldSelector: undefined };
    this.log.info('the project API is not available; selecting namespaces with --project-labels instead');
    return { path: '/api/v1/namespaces', resourceName: 'namespaces', labelSelector: selector, fieldSelector: undefined };
  }

  private inform(
    c: Collection,
    onUpsert: (obj: KubernetesObject) => void,
    onDelete: (obj: KubernetesObject) => void,
    onError?: (err: unknown) => void,
    identity?: IdentityFields,
  ): Informer {
    const informer = startInformer<KubernetesObject>({
      ...(identity ? { identity } : {}),
      list: rawLister(this.opts.transport, c),
      path: c.path,
      watch: selectingWatcher(this.opts.watch, c),
      logger: this.log,
      resourceName: c.resourceName,
      server: this.opts.transport.server,
      onAdd: onUpsert,
      onUpdate: onUpsert,
      onDelete,
      ...(onError ? { onError } : {}),
      ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}),
    });
    // A source stopped before its first sync must not leave an unhandled rejection behind.
    informer.synced.catch(() => {});
    return informer;
  }

  private onRoute(obj: KubernetesObject): void {
    const key = keyOf(obj);
    const version = obj.metadata?.resourceVersion || undefined;
    if (version && this.routeRecords.get(key)?.converted === version) return;
    const route = toRoute(obj);
    if (route.ok) withObjectKey(route.value, key);
    this.routeRecords.set(key, { ...routeRecordOf(obj, route.ok ? route.value.host : undefined), converted: version });
    this.secrets.setRoute(key, route.ok ? route.value : undefined);
    this.upsert('Route', key, route.ok ? route.value : undefined, route.ok ? undefined : route.error);
    if (this.delivery) this.opts.onRouteChanged?.(key);
  }

  private onEndpoints(obj: KubernetesObject, kind: 'EndpointSlice' | 'Endpoints'): void {
    const key = keyOf(obj);
    const converted = toEndpointSlices(obj, kind);
    const slices = converted.ok ? converted.value : [];
    const keys = slices.map(objectKey);
    const gone = this.slicesOf(key).filter((k) => !keys.includes(k));
    for (const k of gone) this.tracked.EndpointSlice.delete(k);
    slices.forEach((s, i) => this.tracked.EndpointSlice.set(keys[i] ?? '', s));
    if (keys.length > 1 || (keys.length === 1 && keys[0] !== key)) this.otherSlices.set(key, keys);
    else this.otherSlices.delete(key);
    this.reportConversion(key, converted.ok ? undefined : converted.error);
    this.deliver('EndpointSlice', [...gone, ...keys]);
  }

  /** The slice records the Endpoints or EndpointSlice object of `key` became. */
  private slicesOf(key: string): readonly string[] {
    return this.otherSlices.get(key) ?? (this.tracked.EndpointSlice.has(key) ? [key] : []);
  }

  private upsert(kind: Kind, key: string, value: DomainObject | undefined, error: string | undefined): void {
    if (value) this.tracked[kind].set(key, value);
    else this.tracked[kind].delete(key);
    this.reportConversion(key, error);
    this.deliver(kind, [key]);
  }

  private remove(kind: Kind, keys: readonly string[], obj: KubernetesObject): void {
    for (const key of keys) this.tracked[kind].delete(key);
    if (kind === 'Route') {
      this.routeRecords.delete(keyOf(obj));
      for (const key of keys) this.secrets.setRoute(key, undefined);
    }
    if (kind === 'EndpointSlice') this.otherSlices.delete(keyOf(obj));
    this.deliver(kind, keys);
  }

  /** A malformed object is reported once (and again only after it was fixed and broke anew), and not served. */
  private reportConversion(key: string, error: string | undefined): void {
    if (error === undefined) this.badObjects.delete(key);
    else if (!this.badObjects.has(key)) {
      this.badObjects.add(key);
      this.log.warn(`ignoring ${key}: ${error}`);
    }
  }

  private setNamespace(name: string, selected: boolean): void {
    if (!this.allowed) return;
    if (selected === this.allowed.has(name)) return;
    if (selected) this.allowed.add(name);
    else this.allowed.delete(name);
    this.log.info(`namespace ${name} ${selected ? 'selected: serving its routes' : 'no longer selected: removing its routes'}`);
    const inNamespace = (keys: Iterable<string>) => [...keys].filter((key) => namespaceOf(key) === name);
    for (const kind of KINDS) this.deliver(kind, inNamespace(this.tracked[kind].keys()));
    if (this.ingress) this.deliver('Route', inNamespace(this.ingress.routeKeys()));
    if (this.gateway) this.deliver('Route', inNamespace(this.gateway.routeKeys()));
  }

  private deliver(kind: Kind, keys: Iterable<string>): void {
    this.delivery?.mark(kind, keys);
  }

  /** The object the sink should hold: the tracked one (a Route's key is never a generated route's), while its namespace is selected. */
  private wanted(kind: Kind, key: string): DomainObject | undefined {
    const tracked = this.tracked[kind].get(key);
    const generated = kind === 'Route' ? (this.ingress?.route(key) ?? this.gateway?.route(key)) : undefined;
    const object = tracked && kind === 'Route' ? this.secrets.resolve(tracked as Route) : (tracked ?? generated);
    return object && (!this.allowed || this.allowed.has(namespaceOf(key))) ? object : undefined;
  }
}
