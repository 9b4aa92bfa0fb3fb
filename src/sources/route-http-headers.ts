import type { RouteHeaderActionSpec, RouteHttpHeaders } from '../domain/route.ts';
import { optArray, optObject, optString, reqObject } from './fields.ts';
import { shared } from './shared-strings.ts';

function headerAction(v: unknown, path: string): RouteHeaderActionSpec {
  const o = reqObject(v, path);
  const action = optObject(o.action, `${path}.action`) ?? {};
  return {
    name: optString(o.name, `${path}.name`),
    type: shared(optString(action.type, `${path}.action.type`)),
    value: optString(optObject(action.set, `${path}.action.set`)?.value, `${path}.action.set.value`),
  };
}

/**
 * `spec.httpHeaders.actions` as written, types checked only (admission
 * checks names and values): `{ httpHeaders }`, or nothing when the route has
 * no action, so routes without any keep their shape.
 */
export function routeHttpHeaders(v: unknown, path: string): { httpHeaders?: RouteHttpHeaders } {
  const actions = optObject(optObject(v, path)?.actions, `${path}.actions`);
  const request = optArray(actions?.request, `${path}.actions.request`).map((a, i) => headerAction(a, `${path}.actions.request[${i}]`));
  const response = optArray(actions?.response, `${path}.actions.response`).map((a, i) => headerAction(a, `${path}.actions.response[${i}]`));
  return request.length === 0 && response.length === 0 ? {} : { httpHeaders: { request, response } };
}
