import { isHeaderActionValue, isHeaderName, type HeaderDirection } from '../domain/http-header.ts';
import type { Route, RouteHeaderActionSpec } from '../domain/route.ts';
import type { RouteHeaderActions } from '../domain/route-options.ts';
import type { HeaderAction } from '../traffic-options.ts';
import { quoteForMessage } from './rejection.ts';

/** The API's limit per direction. */
const MAX_ACTIONS = 20;

/** Header names the Route API does not let actions touch: HSTS has its annotation, the others the router or the client own. */
const RESERVED = new Set(['strict-transport-security', 'proxy', 'cookie', 'set-cookie']);

/** An action as the API admits it, or why not. */
function checkAction(a: RouteHeaderActionSpec, direction: HeaderDirection): HeaderAction | string {
  if (!isHeaderName(a.name)) return `invalid header name ${quoteForMessage(a.name, 40)}`;
  if (RESERVED.has(a.name.toLowerCase())) return `${a.name} may not be set or deleted`;
  if (a.type === 'Delete') return { name: a.name, action: 'Delete' };
  if (a.type !== 'Set') return `${a.name}: action ${quoteForMessage(a.type, 20)} is not Set or Delete`;
  if (!isHeaderActionValue(a.value, direction)) {
    return `${a.name}: invalid value ${quoteForMessage(a.value, 40)} (printable text, %% for a %, or %[...] of ${direction === 'request' ? 'req.hdr' : 'res.hdr'}(NAME) or ssl_c_der, converted by lower or base64 only)`;
  }
  return { name: a.name, action: 'Set', value: a.value };
}

function checkDirection(actions: readonly RouteHeaderActionSpec[], direction: HeaderDirection, notes: string[]): HeaderAction[] {
  const kept: HeaderAction[] = [];
  actions.forEach((a, i) => {
    if (i >= MAX_ACTIONS) return;
    const checked = checkAction(a, direction);
    if (typeof checked === 'string') notes.push(`spec.httpHeaders.actions.${direction}[${i}]: ${checked}: ignored`);
    else kept.push(checked);
  });
  if (actions.length > MAX_ACTIONS) notes.push(`spec.httpHeaders.actions.${direction}: more than ${MAX_ACTIONS} actions: the rest ignored`);
  return kept;
}

/**
 * `spec.httpHeaders.actions`, each action checked as the Route API checks
 * it (where the API server has not: manifests); an action it would refuse
 * is ignored and named in `notes`. Passthrough routes never see HTTP, so
 * theirs are ignored, as the API refuses them.
 */
export function routeHeaderActions(route: Route, notes: string[]): RouteHeaderActions | undefined {
  const spec = route.httpHeaders;
  if (spec === undefined) return undefined;
  if (route.tls?.termination === 'passthrough') {
    notes.push('spec.httpHeaders: passthrough routes cannot have header actions: ignored');
    return undefined;
  }
  const request = checkDirection(spec.request, 'request', notes);
  const response = checkDirection(spec.response, 'response', notes);
  return request.length === 0 && response.length === 0 ? undefined : { request, response };
}
