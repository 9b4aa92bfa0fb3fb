/**
 * An HTTPRoute rule's `filters` as written: the type of each, and the
 * fields of the four types the router serves, with unset kept apart from
 * empty (the spec gives them different meanings); src/gateway/http-filters.ts
 * checks them.
 */
import type { HTTPHeaderEntry, HTTPHeaderModifier, HTTPPathModifier, HTTPRouteFilter } from '../../domain/gateway.ts';
import { optArray, optInt, optObject, optString, reqObject, reqString, type JsonObject } from '../fields.ts';
import { shared } from '../shared-strings.ts';

function maybeString(v: unknown, path: string): string | undefined {
  return v === undefined || v === null ? undefined : optString(v, path);
}

function headerEntry(v: unknown, path: string): HTTPHeaderEntry {
  const o = reqObject(v, path);
  return { name: optString(o.name, `${path}.name`), value: optString(o.value, `${path}.value`) };
}

function headerModifier(o: JsonObject | undefined, path: string): HTTPHeaderModifier | undefined {
  if (o === undefined) return undefined;
  return {
    set: optArray(o.set, `${path}.set`).map((e, i) => headerEntry(e, `${path}.set[${i}]`)),
    add: optArray(o.add, `${path}.add`).map((e, i) => headerEntry(e, `${path}.add[${i}]`)),
    remove: optArray(o.remove, `${path}.remove`).map((e, i) => optString(e, `${path}.remove[${i}]`)),
  };
}

function pathModifier(v: unknown, path: string): HTTPPathModifier | undefined {
  const o = optObject(v, path);
  if (o === undefined) return undefined;
  return {
    type: shared(optString(o.type, `${path}.type`)),
    replaceFullPath: maybeString(o.replaceFullPath, `${path}.replaceFullPath`),
    replacePrefixMatch: maybeString(o.replacePrefixMatch, `${path}.replacePrefixMatch`),
  };
}

export function httpRouteFilter(v: unknown, path: string): HTTPRouteFilter {
  const o = reqObject(v, path);
  const type = shared(reqString(o.type, `${path}.type`));
  const redirect = optObject(o.requestRedirect, `${path}.requestRedirect`);
  const rewrite = optObject(o.urlRewrite, `${path}.urlRewrite`);
  return {
    type,
    requestHeaderModifier: headerModifier(optObject(o.requestHeaderModifier, `${path}.requestHeaderModifier`), `${path}.requestHeaderModifier`),
    responseHeaderModifier: headerModifier(optObject(o.responseHeaderModifier, `${path}.responseHeaderModifier`), `${path}.responseHeaderModifier`),
    requestRedirect: redirect && {
      scheme: maybeString(redirect.scheme, `${path}.requestRedirect.scheme`),
      hostname: maybeString(redirect.hostname, `${path}.requestRedirect.hostname`),
      port: optInt(redirect.port, `${path}.requestRedirect.port`),
      statusCode: optInt(redirect.statusCode, `${path}.requestRedirect.statusCode`),
      path: pathModifier(redirect.path, `${path}.requestRedirect.path`),
    },
    urlRewrite: rewrite && {
      hostname: maybeString(rewrite.hostname, `${path}.urlRewrite.hostname`),
      path: pathModifier(rewrite.path, `${path}.urlRewrite.path`),
    },
  };
}
