import type { KubernetesObject } from '@kubernetes/client-node';
import type { Source, SourceSink } from '../../domain/events.ts';
import type { IdentityFields } from '../../kube-client/identity.ts';
import { servedResources, type ServedResource } from '../../kube-client/discovery.ts';
import { startInformer, type Informer } from '../../kube-client/list-watch.ts';
import type { KubeTransport } from '../../kube-client/transport.ts';
import type { Watcher } from '../../kube-client/watch.ts';
import type { Logger } from '../../log.ts';
import { routeRecordOf, type RouteRecord } from './route-record.ts';
import { toEndpointSlices, toRoute } from '../convert.ts';
import { collectionPath, rawLister, selectingWatcher, type Collection } from './api-lister.ts';
import { Delivery, KINDS, type DomainObject, type Kind } from './delivery.ts';
import { sameValue } from '../same-value.ts';
import { GatewayWatch } from './gateway-watch.ts';
import { IngressWatch } from './ingress-watch.ts';
import { RouteSecrets } from './route-secrets.ts';
import type { EndpointSlice } from '../../domain/endpoints.ts';
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
  ingress?: { controller: string; onIngressChanged?: (key: string) => void; onProblems?: (key: string, problems: readonly string[]) => void };
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
  /**
   * Every route as the API last showed it, in one table (68 bytes a route
   * each: 6.8 MB at 100,000): its record, for status writes; `converted`,
   * the resourceVersion the route was converted from, or one that a status
   * write of ours made of it (the echo of each write through the watch,
   * 10,000 after a first start, and an unchanged object a relist hands
   * back again have nothing new to convert or recheck); and the converted
   * route, undefined while the object does not convert.
   */
  private readonly routes = new Map<string, RouteRecord & { converted: string | undefined; route: Route | undefined }>();
  private readonly slices = new Map<string, EndpointSlice>();
  /**
   * The slice records of an Endpoints object with several subsets, to delete
   * them together; every other object is the one record of its own key, or
   * none (slicesOf): a table entry per object would cost 7 MB at 100,000.
   */
  private readonly otherSlices = new Map<string, string[]>();
  private readonly badObjects = new Set<string>();
  /** undefined: every namespace is served. */
  private allowed: Set<string> | undefined;
  private informers: Informer[] = [];
  /** Aborted by stop(): discovery asked again after failures gives up at once. */
  private readonly stopping = new AbortController();
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
      ...(opts.ingress.onProblems ? { onProblems: opts.ingress.onProblems } : {}),
      namespaceServed: (namespace) => !this.allowed || this.allowed.has(namespace),
    });
    this.gateway = opts.gateway && new GatewayWatch({
      ...opts.gateway,
      logger: opts.logger.withTag('gateway'),
      discover: (groupVersion) => this.discover(groupVersion),
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
    return this.routes.get(key);
  }

  /**
   * Records a route object the API returned (a read, or a status write over
   * `writtenOver`), so the next write starts from it. A write conditional on
   * the version the tracked route came from changed its status only, so the
   * object it returned holds the same route.
   */
  rememberRoute(raw: unknown, writtenOver?: string): void {
    const key = keyOf(raw as KubernetesObject);
    const before = this.routes.get(key);
    // Deleted while the write was under way: a record kept now would never go.
    if (before === undefined) return;
    const record = routeRecordOf(raw, before.route?.host, before.route?.uid);
    const converted = before.converted;
    this.routes.set(key, { ...record, converted: writtenOver && record.resourceVersion && converted === writtenOver ? record.resourceVersion : converted, route: before.route });
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
    for (const kind of KINDS) delivery.mark(kind, this.keys(kind));
    if (this.ingress) delivery.mark('Route', this.ingress.routeKeys());
    if (this.gateway) delivery.mark('Route', this.gateway.routeKeys());
    delivery.flush();
    sink.synced();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
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
    const projects = await this.discover('project.openshift.io/v1');
    if (projects?.some((r) => r.name === 'projects')) return { path: '/apis/project.openshift.io/v1/projects', resourceName: 'projects.project.openshift.io', labelSelector: selector, fieldSelector: undefined };
    this.log.info('the project API is not available; selecting namespaces with --project-labels instead');
    return { path: '/api/v1/namespaces', resourceName: 'namespaces', labelSelector: selector, fieldSelector: undefined };
  }

  /** What the API serves in a group version; asked until it answers (discovery.ts), so a failure at start reads as nothing. */
  private discover(groupVersion: string): Promise<readonly ServedResource[] | undefined> {
    return servedResources(this.opts.transport, groupVersion, { logger: this.log, ...(this.opts.backoff ? { backoff: this.opts.backoff } : {}), signal: this.stopping.signal });
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
    if (version && this.routes.get(key)?.converted === version) return;
    const converted = toRoute(obj);
    const fresh = converted.ok ? withObjectKey(converted.value, key) : undefined;
    const before = this.routes.get(key)?.route;
    // A status write (every route's, after a start) changes the object, not the route: the route converted before
    // stays, and the new one dies young. Kept instead, it was a second copy of every route beside the one the
    // router's state and admission hold (the delivery finds the two equal and sends nothing): 23 MB at 100,000 routes.
    const route = fresh && before && sameValue(fresh, before) ? before : fresh;
    this.routes.set(key, { ...routeRecordOf(obj, route?.host, route?.uid), converted: version, route });
    this.secrets.setRoute(key, route);
    this.reportConversion(key, converted.ok ? undefined : converted.error);
    this.deliver('Route', [key]);
    if (this.delivery) this.opts.onRouteChanged?.(key);
  }

  private onEndpoints(obj: KubernetesObject, kind: 'EndpointSlice' | 'Endpoints'): void {
    const key = keyOf(obj);
    const converted = toEndpointSlices(obj, kind);
    const slices = converted.ok ? converted.value : [];
    const keys = slices.map(objectKey);
    const gone = this.slicesOf(key).filter((k) => !keys.includes(k));
    for (const k of gone) this.slices.delete(k);
    slices.forEach((s, i) => this.slices.set(keys[i] ?? '', s));
    if (keys.length > 1 || (keys.length === 1 && keys[0] !== key)) this.otherSlices.set(key, keys);
    else this.otherSlices.delete(key);
    this.reportConversion(key, converted.ok ? undefined : converted.error);
    this.deliver('EndpointSlice', [...gone, ...keys]);
  }

  /** The slice records the Endpoints or EndpointSlice object of `key` became. */
  private slicesOf(key: string): readonly string[] {
    return this.otherSlices.get(key) ?? (this.slices.has(key) ? [key] : []);
  }

  /** The keys of every object of a kind the API showed (a route that does not convert among them: it is delivered as gone). */
  private keys(kind: Kind): IterableIterator<string> {
    return kind === 'Route' ? this.routes.keys() : this.slices.keys();
  }

  private remove(kind: Kind, keys: readonly string[], obj: KubernetesObject): void {
    if (kind === 'Route') {
      for (const key of keys) {
        this.routes.delete(key);
        this.secrets.setRoute(key, undefined);
      }
    } else {
      for (const key of keys) this.slices.delete(key);
      this.otherSlices.delete(keyOf(obj));
    }
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
    for (const kind of KINDS) this.deliver(kind, inNamespace(this.keys(kind)));
    if (this.ingress) this.deliver('Route', inNamespace(this.ingress.routeKeys()));
    if (this.gateway) this.deliver('Route', inNamespace(this.gateway.routeKeys()));
  }

  private deliver(kind: Kind, keys: Iterable<string>): void {
    this.delivery?.mark(kind, keys);
  }

  /** The object the sink should hold: the tracked one (a Route's key is never a generated route's), while its namespace is selected. */
  private wanted(kind: Kind, key: string): DomainObject | undefined {
    const tracked = kind === 'Route' ? this.routes.get(key)?.route : undefined;
    const object = kind === 'EndpointSlice' ? this.slices.get(key) : tracked ? this.secrets.resolve(tracked) : (this.ingress?.route(key) ?? this.gateway?.route(key));
    return object && (!this.allowed || this.allowed.has(namespaceOf(key))) ? object : undefined;
  }
}
