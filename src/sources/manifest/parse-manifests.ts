/**
 * Manifest files to domain objects, without touching the file system:
 * `parseManifestFile` turns one file's text into API objects and
 * `classify` converts the kinds the router reads.
 */
import { extname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { EndpointSlice } from '../../domain/endpoints.ts';
import type { Ingress, IngressClass, IngressSecret, ServicePorts } from '../../domain/ingress.ts';
import type { Route } from '../../domain/route.ts';
import { errorMessage } from '../../errors.ts';
import { toEndpointSlices, toRoute, type Conversion, type ConvertOptions } from '../convert.ts';
import { isObject } from '../fields.ts';
import { toIngress, toIngressClass, toIngressSecret, toServicePorts } from '../ingress/convert-ingress.ts';
import { classifyGatewayKind, GATEWAY_KINDS_READ, noGatewayObjects, type GatewayObjects } from './gateway-manifests.ts';
import { splitPlainYaml } from './plain-yaml.ts';

/** The API objects of one file, or why it could not be parsed (prefixed with its path). */
export type ParsedFile = { ok: true; objects: unknown[] } | { ok: false; error: string };

/** What Ingresses need from a manifest file (read with --enable-ingress only; Secrets and Services with --enable-gateway-api too). */
export interface IngressObjects {
  ingresses: Ingress[];
  classes: IngressClass[];
  secrets: IngressSecret[];
  services: ServicePorts[];
}

/** The objects of one manifest file that the router uses, normalised. */
export interface ManifestObjects {
  routes: Route[];
  /** EndpointSlices and the records converted from core/v1 Endpoints. */
  endpointSlices: EndpointSlice[];
  /** Set when Ingresses or Gateway API routes are served. */
  ingress?: IngressObjects;
  /** Set when Gateway API routes are served. */
  gateway?: GatewayObjects;
}

/** The kinds read beyond Routes and endpoints. */
export interface ExtraKinds {
  ingress?: boolean;
  gateway?: boolean;
}

/** What `classify` made of one file's objects. */
export interface Classified {
  objects: ManifestObjects;
  /** Objects skipped on purpose (other kinds), one line each, prefixed with the file path. */
  warnings: string[];
  /** Objects that could not be converted, one line each, prefixed with the file path. */
  errors: string[];
  /** Who each of those is, as far as its metadata says (undefined: it names no one). */
  failed: (FailedObject | undefined)[];
}

/** An object that did not convert, by the name and namespace it gave. */
export interface FailedObject {
  namespace: string;
  name: string;
}

function identityOf(obj: unknown, defaultNamespace: string): FailedObject | undefined {
  const meta = isObject(obj) && isObject(obj.metadata) ? obj.metadata : undefined;
  if (typeof meta?.name !== 'string') return undefined;
  return { name: meta.name, namespace: typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : defaultNamespace };
}

/**
 * Whether a directory entry is a manifest: `.yaml`, `.yml` or `.json`, and
 * not a dotfile. Editor leftovers (`x.yaml~`, `.#x.yaml`, `.x.yaml.swp`)
 * fail one test or the other, and so do the `..data` links of a mounted
 * ConfigMap.
 */
export function isManifestFileName(name: string): boolean {
  return !name.startsWith('.') && /\.(ya?ml|json)$/i.test(name);
}

/**
 * Parses a `.yaml`/`.yml` (multi-document; empty documents skipped) or
 * `.json` file into API objects, flattening `List` and `*List` kinds into
 * their items. Errors name the path and carry the parser's message (with
 * line and column for YAML).
 */
export function parseManifestFile(path: string, text: string): ParsedFile {
  const ext = extname(path).toLowerCase();
  let docs: unknown[];
  if (ext === '.json') {
    try {
      // A byte order mark, as some Windows editors write, is no part of the JSON (kubectl drops it too).
      docs = [JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)];
    } catch (e) {
      return { ok: false, error: `${path}: invalid JSON: ${errorMessage(e)}` };
    }
  } else if (ext === '.yaml' || ext === '.yml') {
    const parsed = parseYaml(text);
    if (!parsed.ok) return { ok: false, error: `${path}: ${parsed.error}` };
    docs = parsed.objects;
  } else {
    return { ok: false, error: `${path}: not a .yaml, .yml or .json file` };
  }
  const flat = flattenLists(docs);
  return flat.ok ? flat : { ok: false, error: `${path}: ${flat.error}` };
}

/**
 * Converts the Routes, EndpointSlices and Endpoints among `objects`, and with
 * `ingress` the Ingresses, IngressClasses, Secrets and Services too; without
 * it Services are skipped quietly, other kinds become warnings, conversion
 * failures errors. Objects without a namespace get `defaultNamespace`, as
 * with kubectl.
 */
export function classify(path: string, objects: readonly unknown[], defaultNamespace: string, extra: ExtraKinds = {}): Classified {
  const ingress = extra.ingress === true;
  const gateway = extra.gateway === true;
  const found: IngressObjects = { ingresses: [], classes: [], secrets: [], services: [] };
  const gatewayFound = noGatewayObjects();
  const out: Classified = {
    objects: { routes: [], endpointSlices: [], ...(ingress || gateway ? { ingress: found } : {}), ...(gateway ? { gateway: gatewayFound } : {}) },
    warnings: [],
    errors: [],
    failed: [],
  };
  const opts: ConvertOptions = { defaultNamespace };
  let current: unknown;
  const collect = <T>(c: Conversion<T>, into: (value: T) => void): void => {
    if (c.ok) into(c.value);
    else {
      out.errors.push(`${path}: ${c.error}`);
      out.failed.push(identityOf(current, defaultNamespace));
    }
  };
  for (const obj of objects) {
    current = obj;
    const o = isObject(obj) ? obj : {};
    const kind = `${String(o.apiVersion)} ${String(o.kind)}`;
    if ((ingress || gateway) && classifyIngressKind(kind, obj, opts, found, collect, ingress)) continue;
    if (gateway && classifyGatewayKind(kind, obj, opts, gatewayFound, collect)) continue;
    switch (kind) {
      case 'route.openshift.io/v1 Route':
        collect(toRoute(obj, opts), (r) => out.objects.routes.push(r));
        break;
      case 'v1 Service':
        // A Service usually sits beside its EndpointSlices (as in examples/manifests). The router dials the
        // pods the slices list, never a Service IP, so it has no use for one, and skipping it is no mistake to warn about.
        break;
      case 'discovery.k8s.io/v1 EndpointSlice':
        collect(toEndpointSlices(obj, 'EndpointSlice', opts), (s) => out.objects.endpointSlices.push(...s));
        break;
      case 'v1 Endpoints':
        collect(toEndpointSlices(obj, 'Endpoints', opts), (s) => out.objects.endpointSlices.push(...s));
        break;
      default:
        out.warnings.push(`${path}: ignoring ${describe(o)}: the router reads only route.openshift.io/v1 Route, discovery.k8s.io/v1 EndpointSlice and v1 Endpoints${ingress ? ', and networking.k8s.io/v1 Ingress and IngressClass, v1 Secret and v1 Service' : ''}${gateway ? `, and ${GATEWAY_KINDS_READ}${ingress ? '' : ', v1 Secret and v1 Service'}` : ''}`);
    }
  }
  return out;
}

/** The kinds only Ingresses (and, Secrets and Services, Gateway API routes) need; false when `kind` is none of them. */
function classifyIngressKind(
  kind: string,
  obj: unknown,
  opts: ConvertOptions,
  found: IngressObjects,
  collect: <T>(c: Conversion<T>, into: (value: T) => void) => void,
  ingresses: boolean,
): boolean {
  switch (kind) {
    case 'networking.k8s.io/v1 Ingress':
      if (ingresses) collect(toIngress(obj, opts), (i) => found.ingresses.push(i));
      return ingresses;
    case 'networking.k8s.io/v1 IngressClass':
      if (ingresses) collect(toIngressClass(obj), (c) => found.classes.push(c));
      return ingresses;
    case 'v1 Secret':
      collect(toIngressSecret(obj, opts), (s) => found.secrets.push(s));
      return true;
    case 'v1 Service':
      collect(toServicePorts(obj, opts), (s) => found.services.push(s));
      return true;
    default:
      return false;
  }
}

/**
 * Plain YAML (nearly every manifest) goes through Bun's parser, the rest
 * and every file Bun refuses through `yaml`, which names errors with line
 * and column; `plain-yaml.ts` says why both are needed.
 */
function parseYaml(text: string): ParsedFile {
  const docs = splitPlainYaml(text);
  if (docs) {
    try {
      return { ok: true, objects: docs.map((doc) => Bun.YAML.parse(doc)).filter((value) => value !== null && value !== undefined) };
    } catch {
      // Not YAML after all: `yaml` says where.
    }
  }
  if (text.length > EXACT_PARSER_LIMIT) {
    return { ok: false, error: `${(text.length / 1048576).toFixed(1)} MiB of YAML that is not plain (anchors, tags, tabs, flow collections over several lines) or not valid: past ${EXACT_PARSER_LIMIT / 1048576} MiB only plain YAML or JSON is read` };
  }
  return parseYamlExactly(text);
}

/** `yaml` spends about 0.4 s and 100 MB per MB of text, in the router's only thread: a bound on what one file may cost. */
export const EXACT_PARSER_LIMIT = 8 * 1024 * 1024;

/** `yaml` (YAML 1.2, unique keys), which parses and reports exactly but slowly. */
export function parseYamlExactly(text: string): ParsedFile {
  const objects: unknown[] = [];
  // Merge keys (`<<: *common`) as kubectl's YAML 1.1 reader takes them: left out, a Route's TLS would silently go.
  for (const doc of parseAllDocuments(text, { merge: true })) {
    const [err] = doc.errors;
    // The message's first line carries "at line L, column C"; the rest is a multi-line excerpt.
    if (err) return { ok: false, error: (err.message.split('\n')[0] ?? '').replace(/:$/, '') };
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      return { ok: false, error: errorMessage(e) };
    }
    if (value !== null && value !== undefined) objects.push(value);
  }
  return { ok: true, objects };
}

function flattenLists(docs: readonly unknown[]): ParsedFile {
  const objects: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    if (!isObject(doc)) return { ok: false, error: `document ${i + 1} is not a mapping` };
    // A list kind carries `items`: a custom kind that merely ends in "List" (an `AllowList`) is an object, warned about if unknown.
    if (typeof doc.kind !== 'string' || !doc.kind.endsWith('List') || (doc.kind !== 'List' && !('items' in doc))) {
      objects.push(doc);
      continue;
    }
    const items = doc.items ?? [];
    if (!Array.isArray(items)) return { ok: false, error: `document ${i + 1}: ${doc.kind} items must be a list` };
    const bad = items.findIndex((item) => !isObject(item));
    if (bad >= 0) return { ok: false, error: `document ${i + 1}: ${doc.kind} items[${bad}] is not a mapping` };
    objects.push(...items);
  }
  return { ok: true, objects };
}

function describe(o: Readonly<Record<string, unknown>>): string {
  const meta = isObject(o.metadata) ? o.metadata : {};
  const name = typeof meta.name === 'string' ? ` ${meta.name}` : '';
  const kind = typeof o.kind === 'string' ? o.kind : 'object without kind';
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : 'no apiVersion';
  return `${kind}${name} (${apiVersion})`;
}
