import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiGroup, apiGroupList, apiResourceList, coreVersions } from './discovery.ts';
import type { FailureBudget, StallGate } from './faults.ts';
import { groupVersion, qualifiedName, type ResourceType } from './kinds.ts';
import type { ListPager } from './list.ts';
import { parseApiPath } from './paths.ts';
import { parseFieldSelector, parseLabelSelector, SelectorError, type Selector } from './selectors.ts';
import { ApiError, badRequest, forbidden, genericError, notFound, unauthorized } from './status.ts';
import { writeStatus } from './status-writes.ts';
import type { RecordedRequest, RequestLog } from './request-log.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';
import type { WatchHub } from './watch.ts';

/** Everything the handlers read or drive. */
export interface HandlerContext {
  store: ObjectStore;
  hub: WatchHub;
  gate: StallGate;
  failures: FailureBudget;
  pager: ListPager;
  served: readonly ResourceType[];
  token: string | undefined;
  forbidden: ReadonlySet<string>;
  requests: RequestLog;
  /** host:port clients reach the server at, for /api's serverAddressByClientCIDRs. */
  address(): string;
}

interface ResourceTarget {
  resource: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

function sendJson(res: ServerResponse, code: number, body: unknown, retryAfterSeconds?: number): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...(retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {}),
  });
  res.end(text);
}

function record(req: IncomingMessage, url: URL): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** strconv.ParseBool, which the API server uses for boolean query parameters. */
function queryBool(q: URLSearchParams, name: string): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(q.get(name) ?? '');
}

function queryInt(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^[0-9]+$/.test(raw)) throw badRequest(`invalid ${name} ${JSON.stringify(raw)}: must be a non-negative integer`);
  return Number(raw);
}

function selectorsOf(r: ResourceType, q: URLSearchParams): Selector {
  try {
    const labels = parseLabelSelector(q.get('labelSelector') ?? '');
    const fields = parseFieldSelector(q.get('fieldSelector') ?? '', r.fields);
    return (o) => labels(o) && fields(o);
  } catch (e) {
    if (e instanceof SelectorError) throw badRequest(e.message);
    throw e;
  }
}

/** Objects of the resource visible in the request's scope, as the resource presents them. */
function visible(ctx: HandlerContext, t: ResourceTarget, matches: Selector): KubeObject[] {
  return ctx.store
    .list(t.resource.storedKind)
    .filter((o) => t.namespace === undefined || o.metadata.namespace === t.namespace)
    .map((o) => t.resource.present(o))
    .filter(matches);
}

function verbOf(method: string, t: ResourceTarget, q: URLSearchParams): string {
  if (method === 'GET') return t.name !== undefined ? 'get' : queryBool(q, 'watch') ? 'watch' : 'list';
  if (method === 'PUT') return 'update';
  if (method === 'PATCH') return 'patch';
  if (method === 'POST' && t.name === undefined) return 'create';
  throw genericError(405);
}

function serveList(ctx: HandlerContext, res: ServerResponse, t: ResourceTarget, q: URLSearchParams): void {
  const matches = selectorsOf(t.resource, q);
  const page = ctx.pager.page(queryInt(q, 'limit') ?? 0, q.get('continue') || undefined, () => ({
    items: visible(ctx, t, matches),
    resourceVersion: ctx.store.resourceVersion,
  }));
  sendJson(res, 200, {
    kind: `${t.resource.kind}List`,
    apiVersion: groupVersion(t.resource),
    metadata: { resourceVersion: String(page.resourceVersion), ...(page.continueToken ? { continue: page.continueToken } : {}) },
    items: page.items,
  });
}

function serveWatch(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, url: URL, t: ResourceTarget): void {
  const q = url.searchParams;
  const spec = {
    resource: t.resource,
    namespace: t.namespace,
    matches: selectorsOf(t.resource, q),
    bookmarks: queryBool(q, 'allowWatchBookmarks'),
    path: url.pathname,
  };
  const fromRv = queryInt(q, 'resourceVersion');
  const timeoutSeconds = queryInt(q, 'timeoutSeconds');
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
  // The real server flushes headers before the first event, so clients see the watch established even when idle.
  res.flushHeaders();
  const closed = ctx.hub.open(spec, {
    write: (chunk) => res.write(chunk),
    end: () => res.end(),
    destroy: () => req.socket.destroy(),
  }, fromRv, timeoutSeconds);
  res.once('close', closed);
}

/** A create, as the API server answers it: 201 with the stored object, 409 when the name is taken. */
async function serveCreate(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, t: ResourceTarget): Promise<void> {
  if (!t.resource.createdOverHttp || t.namespace === undefined) throw genericError(405);
  const body = JSON.parse(await readBody(req)) as KubeObject;
  const name = body.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new ApiError(422, 'Invalid', `${t.resource.kind} is invalid: metadata.name: Required value`);
  if (body.metadata.namespace !== undefined && body.metadata.namespace !== t.namespace) {
    throw new ApiError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  }
  if (ctx.store.get(t.resource.storedKind, t.namespace, name)) throw new ApiError(409, 'AlreadyExists', `${qualifiedName(t.resource)} "${name}" already exists`);
  sendJson(res, 201, ctx.store.create({ ...body, kind: t.resource.kind, apiVersion: groupVersion(t.resource), metadata: { ...body.metadata, namespace: t.namespace } }));
}

async function serveResource(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, url: URL, t: ResourceTarget): Promise<void> {
  const method = req.method ?? 'GET';
  const verb = verbOf(method, t, url.searchParams);
  const rbacResource = t.subresource ? `${t.resource.plural}/${t.subresource}` : t.resource.plural;
  if (ctx.forbidden.has(rbacResource)) {
    throw forbidden(t.resource, {
      user: ctx.token !== undefined ? 'system:serviceaccount:openshift-ingress:router' : 'system:anonymous',
      verb, resource: rbacResource,
      ...(t.namespace !== undefined ? { namespace: t.namespace } : {}),
      ...(t.name !== undefined ? { name: t.name } : {}),
    });
  }
  if (verb === 'create') return serveCreate(ctx, req, res, t);
  if (verb === 'list') return serveList(ctx, res, t, url.searchParams);
  if (verb === 'watch') return serveWatch(ctx, req, res, url, t);
  if (t.name === undefined) throw genericError(405);
  if (verb === 'get') {
    const obj = ctx.store.get(t.resource.storedKind, t.namespace, t.name);
    if (!obj) throw notFound(t.resource, t.name);
    return sendJson(res, 200, t.resource.present(obj));
  }
  // Only the status subresource is writable over HTTP; tests change everything else through the programmatic controls.
  if (t.subresource !== 'status') throw genericError(405);
  const body = await readBody(req);
  sendJson(res, 200, writeStatus(ctx.store, {
    resource: t.resource, namespace: t.namespace, name: t.name, method: verb === 'update' ? 'PUT' : 'PATCH',
    contentType: req.headers['content-type'] ?? '', body,
  }));
}

async function serve(ctx: HandlerContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const injected = ctx.failures.take(url.pathname);
  if (injected !== undefined) throw genericError(injected.status, injected.retryAfterSeconds);
  if (ctx.token !== undefined && req.headers.authorization !== `Bearer ${ctx.token}`) throw unauthorized();
  const target = parseApiPath(url.pathname, ctx.served);
  if (target.type === 'unknown') throw genericError(404);
  if (target.type === 'resource') return serveResource(ctx, req, res, url, target);
  if (req.method !== 'GET') throw genericError(405);
  switch (target.type) {
    case 'coreVersions':
      return sendJson(res, 200, coreVersions(ctx.address()));
    case 'groups':
      return sendJson(res, 200, apiGroupList(ctx.served));
    case 'group':
      return sendJson(res, 200, apiGroup(target.group, ctx.served));
    case 'resources':
      return sendJson(res, 200, apiResourceList(target.group, target.version, ctx.served));
  }
}

/** The node:http request listener for the fake: log, honour a stall, then answer like the API server. */
export function createRequestHandler(ctx: HandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake-api');
    ctx.requests.add(record(req, url));
    void (async () => {
      await ctx.gate.wait();
      // The connection may have been reset (stop, client gave up) while the request was stalled.
      if (res.destroyed || req.socket.destroyed) return;
      try {
        await serve(ctx, req, res, url);
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
        if (!res.headersSent) sendJson(res, err.code, err.toStatus(), err.details?.retryAfterSeconds);
        else res.destroy();
      }
    })();
  };
}
