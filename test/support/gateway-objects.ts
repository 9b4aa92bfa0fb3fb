/**
 * gateway.networking.k8s.io objects as `kubectl apply` would send them, for
 * the fake API server and for manifest files alike, and readers of the
 * status the router writes on them.
 */
import type { FakeApiServer, KubeObject } from './fake-api/fake-api-server.ts';

export const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** `--gateway-controller-name`'s default. */
export const CONTROLLER = 'router.openshift.io/gateway-controller';

export function gatewayClassObject(name = 'router', controllerName = CONTROLLER): KubeObject {
  return { apiVersion: `${GATEWAY_GROUP}/v1`, kind: 'GatewayClass', metadata: { name }, spec: { controllerName } };
}

export interface ListenerSpec {
  name: string;
  port: number;
  protocol: 'HTTP' | 'HTTPS' | 'TLS' | string;
  hostname?: string;
  tls?: { mode?: 'Terminate' | 'Passthrough'; certificateRefs?: { name: string; namespace?: string }[] };
  allowedRoutes?: { namespaces?: { from: 'Same' | 'All' | 'Selector'; selector?: { matchLabels?: Record<string, string> } }; kinds?: { kind: string }[] };
}

export function gatewayObject(g: { name: string; namespace?: string; className?: string; listeners: ListenerSpec[]; creationTimestamp?: string }): KubeObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'Gateway',
    metadata: { name: g.name, namespace: g.namespace ?? 'default', ...(g.creationTimestamp ? { creationTimestamp: g.creationTimestamp } : {}) },
    spec: { gatewayClassName: g.className ?? 'router', listeners: g.listeners },
  };
}

export interface BackendRefSpec {
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
}

export interface ValueMatchSpec {
  type?: string;
  name: string;
  value: string;
}

export interface HTTPRuleSpec {
  matches?: { path?: { type?: string; value?: string }; headers?: ValueMatchSpec[]; queryParams?: ValueMatchSpec[]; method?: string }[];
  filters?: { type: string; [field: string]: unknown }[];
  backendRefs?: BackendRefSpec[];
}

export interface ParentRefSpec {
  name: string;
  namespace?: string;
  sectionName?: string;
}

const backendRef = (b: BackendRefSpec) => ({ port: 80, ...b });

export function httpRouteObject(r: { name: string; namespace?: string; parentRefs?: ParentRefSpec[]; hostnames?: string[]; rules: HTTPRuleSpec[]; creationTimestamp?: string }): KubeObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name: r.name, namespace: r.namespace ?? 'default', ...(r.creationTimestamp ? { creationTimestamp: r.creationTimestamp } : {}) },
    spec: {
      parentRefs: r.parentRefs ?? [{ name: 'gw' }],
      ...(r.hostnames ? { hostnames: r.hostnames } : {}),
      rules: r.rules.map((rule) => ({ ...rule, ...(rule.backendRefs ? { backendRefs: rule.backendRefs.map(backendRef) } : {}) })),
    },
  };
}

export function tlsRouteObject(r: { name: string; namespace?: string; parentRefs?: ParentRefSpec[]; hostnames: string[]; backendRefs: BackendRefSpec[] }): KubeObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1alpha2`,
    kind: 'TLSRoute',
    metadata: { name: r.name, namespace: r.namespace ?? 'default' },
    spec: { parentRefs: r.parentRefs ?? [{ name: 'gw' }], hostnames: r.hostnames, rules: [{ backendRefs: r.backendRefs.map(backendRef) }] },
  };
}

export function referenceGrantObject(g: { name: string; namespace: string; fromKind: string; fromNamespace: string; toKind: string; toName?: string }): KubeObject {
  return {
    apiVersion: `${GATEWAY_GROUP}/v1beta1`,
    kind: 'ReferenceGrant',
    metadata: { name: g.name, namespace: g.namespace },
    spec: {
      from: [{ group: GATEWAY_GROUP, kind: g.fromKind, namespace: g.fromNamespace }],
      to: [{ group: '', kind: g.toKind, ...(g.toName ? { name: g.toName } : {}) }],
    },
  };
}

export interface StoredCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

/** `type=status/reason` of each condition, for compact assertions. */
export function brief(conditions: readonly StoredCondition[] | undefined): string[] {
  return (conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`);
}

/** The conditions of our entry for a route's `index`th parentRef entry (ours in order), or undefined. */
export function routeParentConditions(server: FakeApiServer, kind: 'HTTPRoute' | 'TLSRoute' | 'GRPCRoute', namespace: string, name: string, index = 0): StoredCondition[] | undefined {
  const status = server.get(kind, namespace, name)?.status as { parents?: { controllerName: string; conditions: StoredCondition[] }[] } | undefined;
  return status?.parents?.filter((p) => p.controllerName === CONTROLLER)[index]?.conditions;
}

export interface StoredGatewayStatus {
  addresses?: { type: string; value: string }[];
  conditions?: StoredCondition[];
  listeners?: { name: string; attachedRoutes: number; supportedKinds: { kind: string }[]; conditions: StoredCondition[] }[];
}

export function gatewayStatusOf(server: FakeApiServer, namespace: string, name: string): StoredGatewayStatus {
  return (server.get('Gateway', namespace, name)?.status ?? {}) as StoredGatewayStatus;
}

/** The router arguments the Gateway API tests run with: Gateway API on, and its status written. */
export const GATEWAY_API = ['--enable-gateway-api', '--update-status'];
