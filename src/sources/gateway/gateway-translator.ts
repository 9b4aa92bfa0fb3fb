/**
 * The Gateway API objects a source knows, kept as the Routes they become
 * (as IngressTranslator does for Ingresses). An HTTPRoute, a TLSRoute or a
 * Service change converts only the routes they touch; a change to what
 * every attachment reads (GatewayClasses, Gateways, ReferenceGrants,
 * Namespaces, listener Secrets) evaluates the listeners again and converts
 * every route. Conversion itself is pure (`src/gateway/`).
 */
import { compareText } from '../../domain/compare.ts';
import type { Gateway, GatewayClass, HTTPRoute, NamespaceLabels, ReferenceGrant, TLSRoute, UnservedRoute } from '../../domain/gateway.ts';
import type { IngressSecret, ServicePorts } from '../../domain/ingress.ts';
import { objectKey, type Route } from '../../domain/route.ts';
import { classAccepted } from '../../gateway/gateway-class.ts';
import { convertHTTPRoute, convertTLSRoute, type ConversionContext, type GatewayRouteConversion } from '../../gateway/gateway-routes.ts';
import { portOf } from '../../gateway/attachment.ts';
import { isWildcard } from '../../gateway/hostnames.ts';
import { evaluateListeners, type ListenerServes, type ListenerState } from '../../gateway/listeners.ts';

export interface GatewayTranslatorOptions {
  controllerName: string;
  httpPort: number;
  httpsPort: number;
  /** Whether the Secrets of `namespace` have been read yet; listeners that need them wait. Default: always. */
  secretsKnown?: (namespace: string) => boolean;
}

/** `HTTPRoute ns/name` or `TLSRoute ns/name`. */
export type GatewayRouteId = `${'HTTPRoute' | 'TLSRoute'} ${string}`;

function indexAdd(map: Map<string, Set<string>>, keys: Iterable<string>, id: string, add: boolean): void {
  for (const key of keys) {
    const set = map.get(key) ?? new Set<string>();
    if (add) set.add(id);
    else set.delete(id);
    if (set.size > 0) map.set(key, set);
    else map.delete(key);
  }
}

/** Gateways oldest first (then by key), so the older of two conflicting listeners keeps its port and host name. */
function byAge(a: Gateway, b: Gateway): number {
  const age = (Date.parse(a.creationTimestamp) || Infinity) - (Date.parse(b.creationTimestamp) || Infinity);
  return age !== 0 && !Number.isNaN(age) ? age : compareText(objectKey(a), objectKey(b));
}

export class GatewayTranslator {
  readonly classes = new Map<string, GatewayClass>();
  readonly gateways = new Map<string, Gateway>();
  readonly httpRoutes = new Map<string, HTTPRoute>();
  readonly tlsRoutes = new Map<string, TLSRoute>();
  /** GRPCRoutes, served by nobody here: kept for their status. */
  readonly grpcRoutes = new Map<string, UnservedRoute>();
  private readonly grants = new Map<string, Map<string, ReferenceGrant>>();
  private readonly namespaces = new Map<string, NamespaceLabels>();
  private readonly services = new Map<string, ServicePorts>();
  private readonly secrets = new Map<string, IngressSecret>();
  private listeners = new Map<string, ListenerState[]>();
  private readonly outputs = new Map<GatewayRouteId, GatewayRouteConversion>();
  private readonly routes = new Map<string, Route>();
  private readonly byService = new Map<string, Set<string>>();
  private readonly dirty = new Set<GatewayRouteId>();
  private everything = false;

  constructor(private readonly opts: GatewayTranslatorOptions) {}

  setClass(name: string, value: GatewayClass | undefined): void {
    this.set(this.classes, name, value);
    this.everything = true;
  }

  setGateway(key: string, value: Gateway | undefined): void {
    this.set(this.gateways, key, value);
    this.everything = true;
  }

  setGrant(key: string, value: ReferenceGrant | undefined): void {
    const ns = key.slice(0, key.indexOf('/'));
    const inNs = this.grants.get(ns) ?? new Map<string, ReferenceGrant>();
    this.set(inNs, key, value);
    if (inNs.size > 0) this.grants.set(ns, inNs);
    else this.grants.delete(ns);
    this.everything = true;
  }

  setNamespace(name: string, value: NamespaceLabels | undefined): void {
    this.set(this.namespaces, name, value);
    this.everything = true;
  }

  setSecret(key: string, value: IngressSecret | undefined): void {
    this.set(this.secrets, key, value);
    this.everything = true;
  }

  setService(key: string, value: ServicePorts | undefined): void {
    this.set(this.services, key, value);
    for (const id of this.byService.get(key) ?? []) this.dirty.add(id as GatewayRouteId);
  }

  setHTTPRoute(key: string, value: HTTPRoute | undefined): void {
    this.set(this.httpRoutes, key, value);
    this.dirty.add(`HTTPRoute ${key}`);
  }

  setTLSRoute(key: string, value: TLSRoute | undefined): void {
    this.set(this.tlsRoutes, key, value);
    this.dirty.add(`TLSRoute ${key}`);
  }

  setGRPCRoute(key: string, value: UnservedRoute | undefined): void {
    this.set(this.grpcRoutes, key, value);
  }

  /** The Secrets of `namespace` are known now: listeners are evaluated again. */
  secretsChanged(): void {
    this.everything = true;
  }

  /** Drops every Secret of `namespace` (no listener names one there now). */
  forgetSecrets(namespace: string): void {
    for (const key of [...this.secrets.keys()]) if (key.startsWith(`${namespace}/`)) this.secrets.delete(key);
  }

  /** Converts what changed since the last call; returns the keys of generated routes that may have changed. */
  reconcile(): string[] {
    if (this.everything) this.listeners = this.evaluateListeners();
    const ids: Iterable<GatewayRouteId> = this.everything
      ? new Set<GatewayRouteId>([...this.outputs.keys(), ...[...this.httpRoutes.keys()].map((k) => `HTTPRoute ${k}` as const), ...[...this.tlsRoutes.keys()].map((k) => `TLSRoute ${k}` as const)])
      : this.dirty;
    const changed: string[] = [];
    for (const id of ids) changed.push(...this.convert(id));
    this.dirty.clear();
    this.everything = false;
    return changed;
  }

  route(key: string): Route | undefined {
    return this.routes.get(key);
  }

  routeKeys(): IterableIterator<string> {
    return this.routes.keys();
  }

  /** What each HTTPRoute and TLSRoute became at its last conversion. */
  conversions(): ReadonlyMap<GatewayRouteId, GatewayRouteConversion> {
    return this.outputs;
  }

  /** Our Gateways' listeners as last evaluated, by Gateway key. */
  listenerStates(): ReadonlyMap<string, readonly ListenerState[]> {
    return this.listeners;
  }

  /** Namespaces where listeners of our Gateways name Secrets (their own or granted ones). */
  secretNamespaces(): Set<string> {
    const out = new Set<string>();
    for (const gateway of this.ourGateways()) {
      for (const l of gateway.listeners) for (const ref of l.certificateRefs) if (ref.group === '' && ref.kind === 'Secret') out.add(ref.namespace ?? gateway.namespace);
    }
    return out;
  }

  /** Whether the class is ours and accepted. */
  isOurClass(name: string): boolean {
    const c = this.classes.get(name);
    return c !== undefined && c.controllerName === this.opts.controllerName && classAccepted(c).ok;
  }

  ourGateways(): Gateway[] {
    return [...this.gateways.values()].filter((g) => this.isOurClass(g.className)).sort(byAge);
  }

  private set<T>(map: Map<string, T>, key: string, value: T | undefined): void {
    if (value === undefined) map.delete(key);
    else map.set(key, value);
  }

  private evaluateListeners(): Map<string, ListenerState[]> {
    const known = this.opts.secretsKnown ?? (() => true);
    return evaluateListeners(this.ourGateways(), {
      httpPort: this.opts.httpPort,
      httpsPort: this.opts.httpsPort,
      secret: (ns, name) => (known(ns) ? this.secrets.get(`${ns}/${name}`) : 'pending'),
      grants: (ns) => [...(this.grants.get(ns)?.values() ?? [])],
    });
  }

  /** The exact listener host names by port, for the listeners evaluated last (attachment.ts, exactListenerHosts). */
  private exactHosts: { of: Map<string, ListenerState[]>; byPort: Record<'http' | 'tls', Set<string>> } | undefined;

  private exactListenerHosts(serves: ListenerServes): ReadonlySet<string> {
    if (this.exactHosts?.of !== this.listeners) {
      const byPort = { http: new Set<string>(), tls: new Set<string>() };
      for (const states of this.listeners.values()) {
        for (const state of states) {
          const host = state.listener.hostname;
          if (state.usable && state.serves && host !== '' && !isWildcard(host)) byPort[portOf(state.serves)].add(host);
        }
      }
      this.exactHosts = { of: this.listeners, byPort };
    }
    return this.exactHosts.byPort[portOf(serves)];
  }

  private context(): ConversionContext {
    return {
      listeners: (gateway) => this.listeners.get(gateway),
      exactListenerHosts: (serves) => this.exactListenerHosts(serves),
      namespace: (name) => this.namespaces.get(name),
      service: (ns, name) => this.services.get(`${ns}/${name}`),
      grants: (ns) => [...(this.grants.get(ns)?.values() ?? [])],
    };
  }

  /** Converts one HTTPRoute or TLSRoute again; returns the keys of its routes before and after. */
  private convert(id: GatewayRouteId): string[] {
    const space = id.indexOf(' ');
    const kind = id.slice(0, space);
    const key = id.slice(space + 1);
    const before = this.outputs.get(id);
    const http = kind === 'HTTPRoute' ? this.httpRoutes.get(key) : undefined;
    const tls = kind === 'TLSRoute' ? this.tlsRoutes.get(key) : undefined;
    const after = http ? convertHTTPRoute(http, this.context()) : tls ? convertTLSRoute(tls, this.context()) : undefined;
    const beforeKeys = before?.routes.map(objectKey) ?? [];
    const afterKeys = after?.routes.map(objectKey) ?? [];
    for (const k of beforeKeys) if (!afterKeys.includes(k)) this.routes.delete(k);
    for (const r of after?.routes ?? []) this.routes.set(objectKey(r), r);
    indexAdd(this.byService, before?.services ?? [], id, false);
    indexAdd(this.byService, after?.services ?? [], id, true);
    if (after) this.outputs.set(id, after);
    else this.outputs.delete(id);
    return [...beforeKeys, ...afterKeys.filter((k) => !beforeKeys.includes(k))];
  }
}
