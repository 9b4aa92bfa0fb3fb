/**
 * The filters of an HTTPRoute rule the router serves (`RequestHeaderModifier`,
 * `ResponseHeaderModifier`, `RequestRedirect`, `URLRewrite`), checked as the
 * CRDs would check them (a manifest never met the API server) plus what
 * keeps a value from being more than text in haproxy.config, and turned
 * into the `filters` of the rule's routes. A rule with a filter that fails
 * is not served, and the reason names the filter.
 */
import { isHeaderName } from '../domain/http-header.ts';
import type { HTTPHeaderModifier, HTTPPathModifier, HTTPRouteFilter, HTTPRouteMatch } from '../domain/gateway.ts';
import type { LiteralHeaderAction, PathReplacement, RouteFilters, RouteRedirect, RouteRewrite } from '../domain/route-filters.ts';

const SERVED = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'] as const;
/** The CRDs' limits. */
const MAX_HEADER_ENTRIES = 16;
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 4096;
const MAX_PATH = 1024;
/** PreciseHostname. */
const PRECISE_HOSTNAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** What a URL path holds (the CRDs' pattern for paths), so a path can neither leave its place in a URL nor be read as syntax. */
const PATH_CHARS = /^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})*$/;
/** Text with single tabs or spaces inside, no other control character: nothing that could end a header or a config line. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Headers that frame the message or the connection: haproxy owns them, and a wrong one would desynchronise a connection other requests share. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer']);
const REDIRECT_CODES = [301, 302, 303, 307, 308];

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };
const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(problem: string): Checked<T> => ({ ok: false, problem });

/** A value for a message: JSON-quoted, cut short. */
function shown(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

function headerNameProblem(name: string): string | undefined {
  if (name.length > MAX_HEADER_NAME || !isHeaderName(name)) return `header name ${shown(name)} is not an HTTP token`;
  if (FRAMING.has(name.toLowerCase())) return `header ${name} frames the message and may not be changed`;
  return undefined;
}

function headerActions(what: string, m: HTTPHeaderModifier | undefined): Checked<LiteralHeaderAction[]> {
  if (m === undefined) return fail(`${what} is missing`);
  const out: LiteralHeaderAction[] = [];
  const seen = new Set<string>();
  const lists = [['set', m.set, 'Set'], ['add', m.add, 'Add'], ['remove', m.remove.map((name) => ({ name, value: '' })), 'Delete']] as const;
  for (const [field, entries, action] of lists) {
    if (entries.length > MAX_HEADER_ENTRIES) return fail(`${what}.${field} has more than ${MAX_HEADER_ENTRIES} entries`);
    for (const { name, value } of entries) {
      const problem = headerNameProblem(name);
      if (problem !== undefined) return fail(`${what}.${field}: ${problem}`);
      if (seen.has(name.toLowerCase())) return fail(`${what}: header ${name} has more than one action`);
      seen.add(name.toLowerCase());
      if (action !== 'Delete' && (value.length === 0 || value.length > MAX_HEADER_VALUE || CONTROL.test(value))) {
        return fail(`${what}.${field}: ${name}: the value must be 1 to ${MAX_HEADER_VALUE} characters without control characters`);
      }
      out.push({ name, action, value });
    }
  }
  return ok(out);
}

function pathReplacement(what: string, p: HTTPPathModifier, matches: readonly HTTPRouteMatch[]): Checked<PathReplacement> {
  const full = p.type === 'ReplaceFullPath';
  if (!full && p.type !== 'ReplacePrefixMatch') return fail(`${what}.path.type ${shown(p.type)} is not ReplaceFullPath or ReplacePrefixMatch`);
  const [value, other] = full ? [p.replaceFullPath, p.replacePrefixMatch] : [p.replacePrefixMatch, p.replaceFullPath];
  if (value === undefined || other !== undefined) return fail(`${what}.path of type ${p.type} sets ${full ? 'replaceFullPath' : 'replacePrefixMatch'} alone`);
  if (value.length > MAX_PATH || !PATH_CHARS.test(value) || (value !== '' && !value.startsWith('/')) || (full && value === '')) {
    return fail(`${what}.path: ${shown(value)} is not a path (it begins with "/" and holds URL path characters only)`);
  }
  if (!full && matches.some((m) => m.path.type !== 'PathPrefix')) return fail(`${what}.path: ReplacePrefixMatch needs PathPrefix matches only`);
  return ok({ kind: full ? 'full' : 'prefix', value });
}

function hostnameProblem(what: string, hostname: string | undefined): string | undefined {
  if (hostname === undefined || (hostname.length <= 253 && PRECISE_HOSTNAME.test(hostname))) return undefined;
  return `${what}.hostname ${shown(hostname)} is not a precise host name`;
}

function redirect(f: HTTPRouteFilter, matches: readonly HTTPRouteMatch[]): Checked<RouteRedirect> {
  const r = f.requestRedirect;
  if (r === undefined) return fail('requestRedirect is missing');
  if (r.scheme !== undefined && r.scheme !== 'http' && r.scheme !== 'https') return fail(`requestRedirect.scheme ${shown(r.scheme)} is not http or https`);
  const hostProblem = hostnameProblem('requestRedirect', r.hostname);
  if (hostProblem !== undefined) return fail(hostProblem);
  if (r.port !== undefined && (r.port < 1 || r.port > 65535)) return fail(`requestRedirect.port ${r.port} is not 1-65535`);
  const statusCode = r.statusCode ?? 302;
  if (!REDIRECT_CODES.includes(statusCode)) return fail(`requestRedirect.statusCode ${statusCode} is not one of ${REDIRECT_CODES.join(', ')}`);
  const path = r.path && pathReplacement('requestRedirect', r.path, matches);
  if (path && !path.ok) return path;
  return ok({ scheme: r.scheme, hostname: r.hostname, port: r.port, statusCode, path: path?.value });
}

function rewrite(f: HTTPRouteFilter, matches: readonly HTTPRouteMatch[]): Checked<RouteRewrite> {
  const r = f.urlRewrite;
  if (r === undefined) return fail('urlRewrite is missing');
  const hostProblem = hostnameProblem('urlRewrite', r.hostname);
  if (hostProblem !== undefined) return fail(hostProblem);
  const path = r.path && pathReplacement('urlRewrite', r.path, matches);
  if (path && !path.ok) return path;
  return ok({ hostname: r.hostname, path: path?.value });
}

/** Which filters a rule may not have together or at all, or undefined. */
function combinationProblem(filters: readonly HTTPRouteFilter[]): string | undefined {
  const types = filters.map((f) => f.type);
  const unserved = [...new Set(types.filter((t) => !(SERVED as readonly string[]).includes(t)))];
  if (unserved.length > 0) return `filters ${unserved.join(', ')} are not supported yet`;
  const repeated = SERVED.filter((t) => types.filter((x) => x === t).length > 1);
  if (repeated.length > 0) return `filter ${repeated.join(', ')} may appear once in a rule`;
  if (types.includes('RequestRedirect') && types.includes('URLRewrite')) return 'RequestRedirect and URLRewrite may not be in the same rule';
  return undefined;
}

/** The rule's filters as its routes carry them (undefined: none), or why the rule cannot be served. */
export function ruleFilters(filters: readonly HTTPRouteFilter[], matches: readonly HTTPRouteMatch[]): Checked<RouteFilters | undefined> {
  if (filters.length === 0) return ok(undefined);
  const problem = combinationProblem(filters);
  if (problem !== undefined) return fail(problem);
  const out: { -readonly [K in keyof RouteFilters]: RouteFilters[K] } = { request: [], response: [], redirect: undefined, rewrite: undefined };
  for (const f of filters) {
    if (f.type === 'RequestHeaderModifier' || f.type === 'ResponseHeaderModifier') {
      const request = f.type === 'RequestHeaderModifier';
      const actions = headerActions(request ? 'requestHeaderModifier' : 'responseHeaderModifier', request ? f.requestHeaderModifier : f.responseHeaderModifier);
      if (!actions.ok) return actions;
      out[request ? 'request' : 'response'] = actions.value;
    } else if (f.type === 'RequestRedirect') {
      const r = redirect(f, matches);
      if (!r.ok) return r;
      out.redirect = r.value;
    } else {
      const r = rewrite(f, matches);
      if (!r.ok) return r;
      out.rewrite = r.value;
    }
  }
  return ok(out);
}
