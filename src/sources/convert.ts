/**
 * Converters from API objects (Kubernetes API responses or manifest files,
 * as untrusted JSON) to the router's domain types. They check types and
 * required fields only: host syntax, termination values and the like are
 * admission's job, which must see a bad route to reject it with a reason.
 */
import { compareText } from '../domain/compare.ts';
import type { EndpointAddress, EndpointPort, EndpointSlice } from '../domain/endpoints.ts';
import { formatIp, parseIp } from '../domain/ip.ts';
import { isGeneratedRouteName } from '../domain/names.ts';
import type { Route, RouteTarget, RouteTLS } from '../domain/route.ts';
import {
  FieldError,
  isObject,
  optArray,
  optBool,
  optInt,
  optObject,
  optString,
  optStringMap,
  reqObject,
  reqString,
  type JsonObject,
} from './fields.ts';
import { compareParsedIPs } from './order.ts';
import { routeHttpHeaders } from './route-http-headers.ts';
import { shared, sharedText } from './shared-strings.ts';

/** A converted object, or why it could not be converted (`Route default/x: spec.to.name must be a string`). */
export type Conversion<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ConvertOptions {
  /** Namespace for objects that have none, as kubectl fills in for manifests; unset makes metadata.namespace required. */
  defaultNamespace?: string;
}

/** Which API object `toEndpointSlices` reads: discovery.k8s.io/v1 EndpointSlice or core/v1 Endpoints. */
export type EndpointsKind = 'EndpointSlice' | 'Endpoints';

/** The EndpointSlice label naming the Service the slice belongs to. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface ObjectId {
  namespace: string;
  name: string;
}

/** One empty list for every route without alternate backends: most have none, and each kept its own. */
const NO_TARGETS: readonly RouteTarget[] = Object.freeze([]);

function alternateBackends(list: readonly unknown[]): readonly RouteTarget[] {
  return list.length === 0 ? NO_TARGETS : list.map((t, i) => routeTarget(t, `spec.alternateBackends[${i}]`));
}

/**
 * Converts a route.openshift.io/v1 Route. Unset `spec.to.kind`/alternate
 * backend kinds become "Service" and unset `wildcardPolicy` becomes "None",
 * the defaults the API server applies, so a manifest behaves like the same
 * object read back from a cluster. Weights stay `undefined` when unset.
 */
export function toRoute(obj: unknown, opts: ConvertOptions = {}): Conversion<Route> {
  return convert('Route', obj, opts, (o, meta, id) => {
    // No DNS-1123 name has this form, so admission would refuse the Route anyway; here it must not even share a key.
    if (isGeneratedRouteName(id.name)) throw new FieldError('metadata.name has the form of the routes the router generates from Ingresses and Gateway API routes');
    const spec = optObject(o.spec, 'spec') ?? {};
    return {
      ...id,
      uid: optString(meta.uid, 'metadata.uid'),
      creationTimestamp: shared(timestamp(meta.creationTimestamp, 'metadata.creationTimestamp')),
      labels: optStringMap(meta.labels, 'metadata.labels'),
      annotations: optStringMap(meta.annotations, 'metadata.annotations'),
      host: optString(spec.host, 'spec.host'),
      subdomain: optString(spec.subdomain, 'spec.subdomain'),
      path: shared(optString(spec.path, 'spec.path')),
      to: routeTarget(spec.to, 'spec.to'),
      alternateBackends: alternateBackends(optArray(spec.alternateBackends, 'spec.alternateBackends')),
      targetPort: targetPort(optObject(spec.port, 'spec.port')?.targetPort, 'spec.port.targetPort'),
      tls: routeTLS(spec.tls, 'spec.tls'),
      wildcardPolicy: shared(optString(spec.wildcardPolicy, 'spec.wildcardPolicy')) || 'None',
      ...routeHttpHeaders(spec.httpHeaders, 'spec.httpHeaders'),
    };
  });
}

/**
 * Converts a discovery.k8s.io/v1 EndpointSlice (to one record, or none for
 * an FQDN slice, which the router cannot dial) or a core/v1 Endpoints (to
 * one record per subset, named `<name>` or `<name>/<i>` when there are
 * several). Addresses are sorted by IP then pod name, ports by port,
 * protocol and name, which fixes the server order in haproxy.config.
 */
export function toEndpointSlices(
  obj: unknown,
  kind: EndpointsKind,
  opts: ConvertOptions = {},
): Conversion<EndpointSlice[]> {
  return convert(kind, obj, opts, kind === 'EndpointSlice' ? fromEndpointSlice : fromEndpoints);
}

/** Reads the identity every namespaced object needs, then `body`; turns field errors into a Conversion naming the object. */
export function convert<T>(
  kind: string,
  obj: unknown,
  opts: ConvertOptions,
  body: (o: JsonObject, meta: JsonObject, id: ObjectId) => T,
): Conversion<T> {
  if (!isObject(obj)) return { ok: false, error: `${kind}: must be an object` };
  let label = kind;
  try {
    const meta = reqObject(obj.metadata, 'metadata');
    const name = reqString(meta.name, 'metadata.name');
    label = `${kind} ${name}`;
    const namespace = shared(optString(meta.namespace, 'metadata.namespace')) || opts.defaultNamespace || '';
    if (namespace === '') throw new FieldError('metadata.namespace must be a non-empty string');
    label = `${kind} ${namespace}/${name}`;
    return { ok: true, value: body(obj, meta, { namespace, name }) };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: `${label}: ${e.message}` };
    throw e;
  }
}

/** @kubernetes/client-node deserialises timestamps into Dates; render them as the API's RFC 3339 text. */
export function timestamp(v: unknown, path: string): string {
  if (!(v instanceof Date)) return optString(v, path);
  if (Number.isNaN(v.getTime())) throw new FieldError(`${path} must be a valid time`);
  return v.toISOString().replace(/\.000Z$/, 'Z');
}

function routeTarget(v: unknown, path: string): RouteTarget {
  const o = reqObject(v, path);
  return {
    kind: shared(optString(o.kind, `${path}.kind`)) || 'Service',
    name: shared(reqString(o.name, `${path}.name`)),
    weight: optInt(o.weight, `${path}.weight`),
  };
}

/** An empty string selects every port, like an unset one (upstream checks the length of the port text). */
function targetPort(v: unknown, path: string): number | string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return shared(v);
  if (Number.isSafeInteger(v)) return v as number;
  throw new FieldError(`${path} must be an integer or a string`);
}

function routeTLS(v: unknown, path: string): RouteTLS | undefined {
  const o = optObject(v, path);
  if (o === undefined) return undefined;
  return {
    termination: shared(optString(o.termination, `${path}.termination`)),
    insecureEdgeTerminationPolicy: shared(optString(o.insecureEdgeTerminationPolicy, `${path}.insecureEdgeTerminationPolicy`)),
    certificate: sharedText(optString(o.certificate, `${path}.certificate`)),
    key: sharedText(optString(o.key, `${path}.key`)),
    caCertificate: sharedText(optString(o.caCertificate, `${path}.caCertificate`)),
    destinationCACertificate: sharedText(optString(o.destinationCACertificate, `${path}.destinationCACertificate`)),
    ...externalCertificate(o.externalCertificate, `${path}.externalCertificate`),
  };
}

function externalCertificate(v: unknown, path: string): { externalCertificate?: string } {
  const o = optObject(v, path);
  return o === undefined ? {} : { externalCertificate: optString(o.name, `${path}.name`) };
}

function fromEndpointSlice(o: JsonObject, meta: JsonObject, id: ObjectId): EndpointSlice[] {
  const addressType = shared(optString(o.addressType, 'addressType'));
  if (addressType === 'FQDN') return [];
  const addresses = optArray(o.endpoints, 'endpoints').flatMap((v, i) => {
    const path = `endpoints[${i}]`;
    const ep = reqObject(v, path);
    const conditions = optObject(ep.conditions, `${path}.conditions`);
    // Unset readiness counts as ready, as in Kubernetes.
    const ready = optBool(conditions?.ready, `${path}.conditions.ready`) !== false;
    const podName = podNameOf(ep.targetRef, `${path}.targetRef`);
    return optArray(ep.addresses, `${path}.addresses`).map((a, j) => entered(reqString(a, `${path}.addresses[${j}]`), ready, podName));
  });
  const labels = optStringMap(meta.labels, 'metadata.labels');
  return [
    {
      ...id,
      serviceName: labels[SERVICE_NAME_LABEL] ?? '',
      addressType,
      addresses: sorted(addresses),
      ports: endpointPorts(o.ports, 'ports'),
    },
  ];
}

function fromEndpoints(o: JsonObject, _meta: JsonObject, id: ObjectId): EndpointSlice[] {
  const subsets = optArray(o.subsets, 'subsets');
  return subsets.map((v, i) => {
    const path = `subsets[${i}]`;
    const s = reqObject(v, path);
    const addresses = [
      ...coreAddresses(s.addresses, `${path}.addresses`, true),
      ...coreAddresses(s.notReadyAddresses, `${path}.notReadyAddresses`, false),
    ];
    return {
      namespace: id.namespace,
      // "/" cannot appear in an object name, so a subset record never collides with another Endpoints object (e.g. `web-0`).
      name: subsets.length === 1 ? id.name : `${id.name}/${i}`,
      serviceName: id.name,
      // Endpoints carry one address family (the Service's primary one).
      addressType: addresses.length > 0 && addresses.every((a) => a.address.ip.includes(':')) ? 'IPv6' : 'IPv4',
      addresses: sorted(addresses),
      ports: endpointPorts(s.ports, `${path}.ports`),
    };
  });
}

function coreAddresses(v: unknown, path: string, ready: boolean): Entered[] {
  return optArray(v, path).map((a, i) => {
    const o = reqObject(a, `${path}[${i}]`);
    return entered(reqString(o.ip, `${path}[${i}].ip`), ready, podNameOf(o.targetRef, `${path}[${i}].targetRef`));
  });
}

/** An address as entered, with its 16-byte form for sorting (undefined when it is no address). */
interface Entered {
  address: EndpointAddress;
  bytes: Uint8Array | undefined;
}

/**
 * Addresses are kept in canonical text from here on (`FD00::A` becomes
 * `fd00::a`). Text that is no address haproxy reads as written stays as it
 * came: the endpoint filter refuses it, naming its slice, and the rest of
 * the slice still serves.
 */
function entered(text: string, ready: boolean, podName: string): Entered {
  const ip = parseIp(text);
  // A dotted quad is read only in its canonical form: the text itself, no copy.
  return { address: { ip: ip && ip.family === 6 ? formatIp(ip) : text, ready, podName }, bytes: ip?.bytes };
}

/** By IP then pod name; each address is parsed once, not once per comparison. */
function sorted(entries: Entered[]): EndpointAddress[] {
  if (entries.length > 1) {
    entries.sort((a, b) => compareParsedIPs(a.bytes, a.address.ip, b.bytes, b.address.ip) || compareText(a.address.podName, b.address.podName));
  }
  return entries.map((e) => e.address);
}

function podNameOf(v: unknown, path: string): string {
  const ref = optObject(v, path);
  return ref !== undefined && optString(ref.kind, `${path}.kind`) === 'Pod' ? optString(ref.name, `${path}.name`) : '';
}

function endpointPorts(v: unknown, path: string): EndpointPort[] {
  return optArray(v, path)
    .flatMap((p, i): EndpointPort[] => {
      const pp = `${path}[${i}]`;
      const o = reqObject(p, pp);
      const port = optInt(o.port, `${pp}.port`);
      // A slice port without a number means "all ports": nothing haproxy could dial.
      if (port === undefined) return [];
      return [
        {
          name: shared(optString(o.name, `${pp}.name`)),
          port,
          protocol: shared(optString(o.protocol, `${pp}.protocol`)) || 'TCP',
          appProtocol: shared(optString(o.appProtocol, `${pp}.appProtocol`)),
        },
      ];
    })
    .sort(comparePorts);
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return a.port - b.port || compareText(a.protocol, b.protocol) || compareText(a.name, b.name);
}
