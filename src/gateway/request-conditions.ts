/**
 * An HTTPRoute match's method, header and query parameter conditions as the
 * router serves them, or why not. Names and values are written by tenants
 * and reach haproxy as Lua string literals, every byte but a few plain ones
 * escaped (config/match-rule-data.ts), so none can be read as code there.
 * Refused here, with a reason for the route's status: names that are not
 * RFC 7230 tokens, or hold a quote (which the API allows; refused since the
 * names were haproxy.config words, and kept so that what was refused stays
 * refused), values that are not printable US-ASCII (the API's pattern for
 * header values: single spaces or tabs between visible characters), and
 * either beyond the API's length limits.
 */
import type { HTTPRouteMatch, ValueMatch } from '../domain/gateway.ts';
import { isMatchName, isMatchValue, MATCH_METHODS, MAX_HEADER_VALUE, MAX_QUERY_VALUE, type NameValue, type RequestMatch } from '../domain/request-match.ts';

const MAX_VALUE: Record<Kind, number> = { header: MAX_HEADER_VALUE, 'query parameter': MAX_QUERY_VALUE };
/** The API's limit per match, for headers and for query parameters each. */
const MAX_ENTRIES = 16;

type Kind = 'header' | 'query parameter';
export type Conditions = Omit<RequestMatch, 'order'>;
type Verdict<T> = { ok: true; value: T } | { ok: false; problem: string };

const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text);

function entries(list: readonly ValueMatch[], kind: Kind): Verdict<NameValue[]> {
  if (list.length > MAX_ENTRIES) return { ok: false, problem: `more than ${MAX_ENTRIES} ${kind} matches` };
  const kept = new Map<string, NameValue>();
  for (const m of list) {
    const type = m.type || 'Exact';
    if (type === 'RegularExpression') return { ok: false, problem: `RegularExpression ${kind} matches are not supported` };
    if (type !== 'Exact') return { ok: false, problem: `${kind} match type ${shown(type)} is not Exact` };
    if (!isMatchName(m.name)) return { ok: false, problem: `${kind} name ${shown(m.name)} is not a token of at most 256 characters without a quote` };
    if (!isMatchValue(m.value, MAX_VALUE[kind])) {
      return { ok: false, problem: `${kind} ${m.name}: value ${shown(m.value)} is not 1 to ${MAX_VALUE[kind]} printable US-ASCII characters (single spaces or tabs between)` };
    }
    // The first entry of a name counts, later ones are ignored (the spec); header names match whatever their case.
    const name = kind === 'header' ? m.name.toLowerCase() : m.name;
    if (!kept.has(name)) kept.set(name, { name, value: m.value });
  }
  return { ok: true, value: [...kept.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** The conditions of `m` beyond its path: undefined when it has none. */
export function requestConditions(m: HTTPRouteMatch): Verdict<Conditions | undefined> {
  const method = m.method ?? '';
  if (method !== '' && !MATCH_METHODS.has(method)) return { ok: false, problem: `method ${shown(method)} is not one of ${[...MATCH_METHODS].join(', ')}` };
  const headers = entries(m.headers ?? [], 'header');
  if (!headers.ok) return headers;
  const query = entries(m.queryParams ?? [], 'query parameter');
  if (!query.ok) return query;
  if (method === '' && headers.value.length === 0 && query.value.length === 0) return { ok: true, value: undefined };
  return { ok: true, value: { method: method === '' ? undefined : method, headers: headers.value, query: query.value } };
}
