/**
 * Converters from HTTPRoutes and TLSRoutes to the router's domain types,
 * with the CRDs' defaults: a parentRef is a Gateway, a backendRef a core
 * Service of weight 1, a rule without matches matches every path
 * (`PathPrefix /`), and a route without rules has one such rule and no
 * backend. Matches keep their headers, query parameters and method as
 * written (checked in src/gateway/); what a rule asks beyond what the
 * router serves is kept by name, so the route's status can say what is
 * not served.
 */
import { GATEWAY_GROUP, type BackendRef, type HTTPRoute, type HTTPRouteMatch, type HTTPRouteRule, type ParentRef, type TLSRoute, type UnservedRoute, type ValueMatch } from '../../domain/gateway.ts';
import { convert, type Conversion, type ConvertOptions } from '../convert.ts';
import { FieldError, optArray, optInt, optObject, optString, reqObject, reqString, type JsonObject } from '../fields.ts';
import { shared } from '../shared-strings.ts';
import { httpRouteFilter } from './convert-filters.ts';
import { groupOf, objectMeta, objectRef } from './convert-gateway.ts';

const EVERY_PATH: HTTPRouteMatch = { path: { type: 'PathPrefix', value: '/' } };
/** Rule fields the router does not implement yet: a rule that sets one is not served. */
const UNSUPPORTED_RULE_FIELDS = ['timeouts', 'retry', 'sessionPersistence'] as const;

function parentRef(v: unknown, path: string): ParentRef {
  const o = reqObject(v, path);
  const namespace = optString(o.namespace, `${path}.namespace`);
  return {
    group: groupOf(o.group, `${path}.group`, GATEWAY_GROUP),
    kind: shared(optString(o.kind, `${path}.kind`)) || 'Gateway',
    namespace: namespace === '' ? undefined : shared(namespace),
    name: reqString(o.name, `${path}.name`),
    sectionName: optString(o.sectionName, `${path}.sectionName`),
    port: optInt(o.port, `${path}.port`),
  };
}

/** The CRD's bounds, which only an API server enforces: from a manifest they are checked here. */
const MAX_WEIGHT = 1_000_000;
const MAX_BACKEND_REFS = 16;

function backendRef(v: unknown, path: string): BackendRef {
  const o = reqObject(v, path);
  const weight = optInt(o.weight, `${path}.weight`) ?? 1;
  if (weight < 0 || weight > MAX_WEIGHT) throw new FieldError(`${path}.weight must be between 0 and ${MAX_WEIGHT}`);
  return {
    ...objectRef(o, path, { group: '', kind: 'Service' }),
    port: optInt(o.port, `${path}.port`),
    weight,
    hasFilters: optArray(o.filters, `${path}.filters`).length > 0,
  };
}

function backendRefs(v: unknown, path: string): BackendRef[] {
  const refs = optArray(v, path);
  if (refs.length > MAX_BACKEND_REFS) throw new FieldError(`${path} must have at most ${MAX_BACKEND_REFS} items`);
  return refs.map((b, i) => backendRef(b, `${path}[${i}]`));
}

function valueMatch(v: unknown, path: string): ValueMatch {
  const o = reqObject(v, path);
  return { type: optString(o.type, `${path}.type`), name: reqString(o.name, `${path}.name`), value: optString(o.value, `${path}.value`) };
}

function match(v: unknown, path: string): HTTPRouteMatch {
  const o = reqObject(v, path);
  const p = optObject(o.path, `${path}.path`) ?? {};
  const headers = optArray(o.headers, `${path}.headers`).map((h, i) => valueMatch(h, `${path}.headers[${i}]`));
  const queryParams = optArray(o.queryParams, `${path}.queryParams`).map((q, i) => valueMatch(q, `${path}.queryParams[${i}]`));
  const method = optString(o.method, `${path}.method`);
  return {
    path: { type: shared(optString(p.type, `${path}.path.type`)) || 'PathPrefix', value: shared(optString(p.value, `${path}.path.value`)) || '/' },
    ...(headers.length > 0 ? { headers } : {}),
    ...(queryParams.length > 0 ? { queryParams } : {}),
    ...(method !== '' ? { method } : {}),
  };
}

function rule(v: unknown, path: string): HTTPRouteRule {
  const o = reqObject(v, path);
  const matches = optArray(o.matches, `${path}.matches`).map((m, i) => match(m, `${path}.matches[${i}]`));
  return {
    matches: matches.length > 0 ? matches : [EVERY_PATH],
    filters: optArray(o.filters, `${path}.filters`).map((f, i) => httpRouteFilter(f, `${path}.filters[${i}]`)),
    backendRefs: backendRefs(o.backendRefs, `${path}.backendRefs`),
    unsupported: UNSUPPORTED_RULE_FIELDS.filter((field) => o[field] !== undefined && o[field] !== null),
  };
}

function hostnames(spec: JsonObject): string[] {
  return optArray(spec.hostnames, 'spec.hostnames').map((h, i) => optString(h, `spec.hostnames[${i}]`));
}

export function toHTTPRoute(obj: unknown, opts: ConvertOptions = {}): Conversion<HTTPRoute> {
  return convert('HTTPRoute', obj, opts, (o, meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    const rules = optArray(spec.rules, 'spec.rules').map((r, i) => rule(r, `spec.rules[${i}]`));
    return {
      ...objectMeta(meta, id),
      parentRefs: optArray(spec.parentRefs, 'spec.parentRefs').map((p, i) => parentRef(p, `spec.parentRefs[${i}]`)),
      hostnames: hostnames(spec),
      rules: rules.length > 0 ? rules : [{ matches: [EVERY_PATH], filters: [], backendRefs: [], unsupported: [] }],
    };
  });
}

export function toTLSRoute(obj: unknown, opts: ConvertOptions = {}): Conversion<TLSRoute> {
  return convert('TLSRoute', obj, opts, (o, meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    // TLSRoute has one rule since v1; earlier versions allowed more, without matches: their backends share the traffic.
    const refs = optArray(spec.rules, 'spec.rules').flatMap((r, i) => backendRefs(reqObject(r, `spec.rules[${i}]`).backendRefs, `spec.rules[${i}].backendRefs`));
    return {
      ...objectMeta(meta, id),
      parentRefs: optArray(spec.parentRefs, 'spec.parentRefs').map((p, i) => parentRef(p, `spec.parentRefs[${i}]`)),
      hostnames: hostnames(spec),
      backendRefs: refs,
    };
  });
}

/** A GRPCRoute: the router serves none yet, and reads its parentRefs only to say so in its status. */
export function toGRPCRoute(obj: unknown, opts: ConvertOptions = {}): Conversion<UnservedRoute> {
  return convert('GRPCRoute', obj, opts, (o, meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    return { ...objectMeta(meta, id), parentRefs: optArray(spec.parentRefs, 'spec.parentRefs').map((p, i) => parentRef(p, `spec.parentRefs[${i}]`)) };
  });
}
