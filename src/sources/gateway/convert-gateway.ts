/**
 * Converters from gateway.networking.k8s.io objects (and Namespaces, for
 * `allowedRoutes` selectors) to the router's domain types. As in
 * `convert.ts` they check types and required fields only, and fill in the
 * defaults the CRDs declare, so a manifest behaves like the same object read
 * back from a cluster; what the objects mean is the business of
 * `src/gateway/`.
 */
import { GATEWAY_GROUP, type Gateway, type GatewayClass, type LabelExpression, type Listener, type NamespaceLabels, type ObjectRef, type ReferenceGrant, type RouteNamespaces } from '../../domain/gateway.ts';
import { convert, timestamp, type Conversion, type ConvertOptions } from '../convert.ts';
import { FieldError, isObject, optArray, optInt, optObject, optString, optStringMap, reqObject, reqString, type JsonObject } from '../fields.ts';
import { shared } from '../shared-strings.ts';

/** The fields every Gateway API object carries. */
export function objectMeta(meta: JsonObject, id: { namespace: string; name: string }) {
  return {
    ...id,
    uid: optString(meta.uid, 'metadata.uid'),
    creationTimestamp: shared(timestamp(meta.creationTimestamp, 'metadata.creationTimestamp')),
    generation: optInt(meta.generation, 'metadata.generation') ?? 1,
  };
}

/** A `group` field: unset is `whenUnset` (the CRDs' default), while "" is the core group. */
export function groupOf(v: unknown, path: string, whenUnset: string): string {
  return v === undefined || v === null ? whenUnset : shared(optString(v, path));
}

/** A cluster-scoped object: its name, or why it cannot be read. */
function clusterScoped<T>(kind: string, obj: unknown, body: (o: JsonObject, meta: JsonObject, name: string) => T): Conversion<T> {
  if (!isObject(obj)) return { ok: false, error: `${kind}: must be an object` };
  let label = kind;
  try {
    const meta = reqObject(obj.metadata, 'metadata');
    const name = reqString(meta.name, 'metadata.name');
    label = `${kind} ${name}`;
    return { ok: true, value: body(obj, meta, name) };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: `${label}: ${e.message}` };
    throw e;
  }
}

export function toGatewayClass(obj: unknown): Conversion<GatewayClass> {
  return clusterScoped('GatewayClass', obj, (o, meta, name) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    return {
      name,
      generation: optInt(meta.generation, 'metadata.generation') ?? 1,
      controllerName: optString(spec.controllerName, 'spec.controllerName'),
      hasParameters: optObject(spec.parametersRef, 'spec.parametersRef') !== undefined,
    };
  });
}

export function toNamespaceLabels(obj: unknown): Conversion<NamespaceLabels> {
  return clusterScoped('Namespace', obj, (_o, meta, name) => ({ name, labels: optStringMap(meta.labels, 'metadata.labels') }));
}

export function objectRef(v: unknown, path: string, defaults: { group: string; kind: string }): ObjectRef {
  const o = reqObject(v, path);
  const namespace = optString(o.namespace, `${path}.namespace`);
  return {
    group: groupOf(o.group, `${path}.group`, defaults.group),
    kind: shared(optString(o.kind, `${path}.kind`)) || defaults.kind,
    name: reqString(o.name, `${path}.name`),
    namespace: namespace === '' ? undefined : shared(namespace),
  };
}

function labelExpressions(v: unknown, path: string): LabelExpression[] {
  return optArray(v, path).map((e, i) => {
    const o = reqObject(e, `${path}[${i}]`);
    return {
      key: reqString(o.key, `${path}[${i}].key`),
      operator: optString(o.operator, `${path}[${i}].operator`),
      values: optArray(o.values, `${path}[${i}].values`).map((x, j) => optString(x, `${path}[${i}].values[${j}]`)),
    };
  });
}

function routeNamespaces(v: unknown, path: string): RouteNamespaces {
  const o = optObject(v, path) ?? {};
  const from = optString(o.from, `${path}.from`) || 'Same';
  if (from === 'Same' || from === 'All' || from === 'None') return { from };
  if (from !== 'Selector') return { from: 'Unknown', value: from };
  const selector = optObject(o.selector, `${path}.selector`) ?? {};
  return {
    from,
    matchLabels: optStringMap(selector.matchLabels, `${path}.selector.matchLabels`),
    matchExpressions: labelExpressions(selector.matchExpressions, `${path}.selector.matchExpressions`),
  };
}

function listener(v: unknown, path: string): Listener {
  const o = reqObject(v, path);
  const tls = optObject(o.tls, `${path}.tls`);
  const allowed = optObject(o.allowedRoutes, `${path}.allowedRoutes`) ?? {};
  return {
    name: reqString(o.name, `${path}.name`),
    hostname: optString(o.hostname, `${path}.hostname`),
    port: optInt(o.port, `${path}.port`) ?? 0,
    protocol: shared(optString(o.protocol, `${path}.protocol`)),
    tlsMode: tls === undefined ? undefined : optString(tls.mode, `${path}.tls.mode`) || 'Terminate',
    certificateRefs: optArray(tls?.certificateRefs, `${path}.tls.certificateRefs`).map((r, i) => objectRef(r, `${path}.tls.certificateRefs[${i}]`, { group: '', kind: 'Secret' })),
    namespaces: routeNamespaces(allowed.namespaces, `${path}.allowedRoutes.namespaces`),
    kinds: optArray(allowed.kinds, `${path}.allowedRoutes.kinds`).map((k, i) => {
      const kind = reqObject(k, `${path}.allowedRoutes.kinds[${i}]`);
      return { group: groupOf(kind.group, `${path}.allowedRoutes.kinds[${i}].group`, GATEWAY_GROUP), kind: reqString(kind.kind, `${path}.allowedRoutes.kinds[${i}].kind`) };
    }),
  };
}

export function toGateway(obj: unknown, opts: ConvertOptions = {}): Conversion<Gateway> {
  return convert('Gateway', obj, opts, (o, meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    return {
      ...objectMeta(meta, id),
      className: optString(spec.gatewayClassName, 'spec.gatewayClassName'),
      listeners: optArray(spec.listeners, 'spec.listeners').map((l, i) => listener(l, `spec.listeners[${i}]`)),
      addresses: optArray(spec.addresses, 'spec.addresses').map((a, i) => optString(reqObject(a, `spec.addresses[${i}]`).value, `spec.addresses[${i}].value`)),
    };
  });
}

export function toReferenceGrant(obj: unknown, opts: ConvertOptions = {}): Conversion<ReferenceGrant> {
  return convert('ReferenceGrant', obj, opts, (o, _meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    return {
      ...id,
      from: optArray(spec.from, 'spec.from').map((f, i) => {
        const x = reqObject(f, `spec.from[${i}]`);
        return { group: optString(x.group, `spec.from[${i}].group`), kind: reqString(x.kind, `spec.from[${i}].kind`), namespace: reqString(x.namespace, `spec.from[${i}].namespace`) };
      }),
      to: optArray(spec.to, 'spec.to').map((t, i) => {
        const x = reqObject(t, `spec.to[${i}]`);
        const name = optString(x.name, `spec.to[${i}].name`);
        return { group: optString(x.group, `spec.to[${i}].group`), kind: reqString(x.kind, `spec.to[${i}].kind`), name: name === '' ? undefined : name };
      }),
    };
  });
}
