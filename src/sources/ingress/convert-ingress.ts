/**
 * Converters from networking.k8s.io/v1 Ingresses and IngressClasses, and the
 * Secrets and Services they name, to the router's domain types. As in
 * `convert.ts` they check types and required fields only; what an Ingress
 * means is the business of `src/ingress/`.
 */
import type { Ingress, IngressBackend, IngressClass, IngressPath, IngressRule, IngressSecret, IngressTLS, ServicePorts } from '../../domain/ingress.ts';
import { convert, timestamp, type Conversion, type ConvertOptions } from '../convert.ts';
import { FieldError, isObject, optArray, optInt, optObject, optString, optStringMap, reqObject, reqString, type JsonObject } from '../fields.ts';
import { shared } from '../shared-strings.ts';

const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The only Secret keys Ingresses read: the rest of a Secret never leaves the source. */
const SECRET_KEYS = ['tls.crt', 'tls.key'] as const;

export function toIngress(obj: unknown, opts: ConvertOptions = {}): Conversion<Ingress> {
  return convert('Ingress', obj, opts, (o, meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    const className = optString(spec.ingressClassName, 'spec.ingressClassName');
    const defaultBackend = optObject(spec.defaultBackend, 'spec.defaultBackend');
    return {
      ...id,
      uid: optString(meta.uid, 'metadata.uid'),
      creationTimestamp: shared(timestamp(meta.creationTimestamp, 'metadata.creationTimestamp')),
      labels: optStringMap(meta.labels, 'metadata.labels'),
      annotations: optStringMap(meta.annotations, 'metadata.annotations'),
      className: className === '' ? undefined : shared(className),
      defaultBackend: defaultBackend === undefined ? undefined : backend(defaultBackend, 'spec.defaultBackend'),
      rules: optArray(spec.rules, 'spec.rules').map((r, i) => rule(r, `spec.rules[${i}]`)),
      tls: optArray(spec.tls, 'spec.tls').map((t, i) => tls(t, `spec.tls[${i}]`)),
    };
  });
}

function rule(v: unknown, path: string): IngressRule {
  const o = reqObject(v, path);
  const http = optObject(o.http, `${path}.http`);
  return {
    host: optString(o.host, `${path}.host`),
    paths: http === undefined ? undefined : optArray(http.paths, `${path}.http.paths`).map((p, i) => ingressPath(p, `${path}.http.paths[${i}]`)),
  };
}

function ingressPath(v: unknown, path: string): IngressPath {
  const o = reqObject(v, path);
  return {
    path: shared(optString(o.path, `${path}.path`)),
    pathType: shared(optString(o.pathType, `${path}.pathType`)),
    backend: backend(reqObject(o.backend, `${path}.backend`), `${path}.backend`),
  };
}

function backend(o: JsonObject, path: string): IngressBackend {
  const resource = optObject(o.resource, `${path}.resource`);
  if (resource !== undefined) {
    const kind = optString(resource.kind, `${path}.resource.kind`);
    return { kind: 'Unsupported', description: `resource backend ${JSON.stringify(`${optString(resource.apiGroup, `${path}.resource.apiGroup`)}/${kind} ${optString(resource.name, `${path}.resource.name`)}`)}` };
  }
  const service = reqObject(o.service, `${path}.service`);
  const name = shared(reqString(service.name, `${path}.service.name`));
  const port = optObject(service.port, `${path}.service.port`) ?? {};
  const portName = optString(port.name, `${path}.service.port.name`);
  if (portName !== '') return { kind: 'Service', name, port: { name: shared(portName) } };
  const number = optInt(port.number, `${path}.service.port.number`);
  if (number !== undefined) return { kind: 'Service', name, port: { number } };
  return { kind: 'Unsupported', description: `Service ${name} without a port name or number` };
}

function tls(v: unknown, path: string): IngressTLS {
  const o = reqObject(v, path);
  return {
    hosts: optArray(o.hosts, `${path}.hosts`).map((h, i) => optString(h, `${path}.hosts[${i}]`)),
    secretName: optString(o.secretName, `${path}.secretName`),
  };
}

/** IngressClasses are cluster-scoped: a name, and no namespace. */
export function toIngressClass(obj: unknown): Conversion<IngressClass> {
  if (!isObject(obj)) return { ok: false, error: 'IngressClass: must be an object' };
  let label = 'IngressClass';
  try {
    const meta = reqObject(obj.metadata, 'metadata');
    const name = reqString(meta.name, 'metadata.name');
    label = `IngressClass ${name}`;
    const spec = optObject(obj.spec, 'spec') ?? {};
    const annotations = optStringMap(meta.annotations, 'metadata.annotations');
    return { ok: true, value: { name, controller: optString(spec.controller, 'spec.controller'), isDefault: annotations[DEFAULT_CLASS_ANNOTATION] === 'true' } };
  } catch (e) {
    if (e instanceof FieldError) return { ok: false, error: `${label}: ${e.message}` };
    throw e;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Keeps the keys Ingresses read, decoded. `stringData` (which a manifest may
 * carry; the API server folds it into `data` on write) wins over `data`, as
 * the API server applies it.
 */
export function toIngressSecret(obj: unknown, opts: ConvertOptions = {}): Conversion<IngressSecret> {
  return convert('Secret', obj, opts, (o, _meta, id) => {
    const data = optStringMap(o.data, 'data');
    const stringData = optStringMap(o.stringData, 'stringData');
    const decoded: Record<string, string> = {};
    const undecodable: string[] = [];
    for (const key of SECRET_KEYS) {
      const plain = stringData[key];
      const encoded = data[key];
      if (plain !== undefined) decoded[key] = plain;
      else if (encoded !== undefined && BASE64.test(encoded)) decoded[key] = Buffer.from(encoded, 'base64').toString('utf8');
      else if (encoded !== undefined) undecodable.push(key);
    }
    return { ...id, type: shared(optString(o.type, 'type')) || 'Opaque', data: decoded, undecodable };
  });
}

/** A Service's port numbers and names; the rest of the Service is of no use to a router that dials pods. */
export function toServicePorts(obj: unknown, opts: ConvertOptions = {}): Conversion<ServicePorts> {
  return convert('Service', obj, opts, (o, _meta, id) => {
    const spec = optObject(o.spec, 'spec') ?? {};
    const ports = optArray(spec.ports, 'spec.ports').flatMap((p, i) => {
      const port = reqObject(p, `spec.ports[${i}]`);
      const number = optInt(port.port, `spec.ports[${i}].port`);
      return number === undefined ? [] : [{ name: shared(optString(port.name, `spec.ports[${i}].name`)), port: number }];
    });
    return { ...id, ports };
  });
}
