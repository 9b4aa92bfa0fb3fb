/**
 * What a request must carry besides its host and path for a route to take
 * it: a method, headers and query parameters of exact values (a Gateway API
 * HTTPRoute match). Only the Gateway API conversion sets one, after
 * checking every name and value (src/gateway/request-conditions.ts): they
 * are untrusted text that ends up in haproxy.config.
 */
export interface NameValue {
  name: string;
  value: string;
}

export interface RequestMatch {
  /** An upper-case method, or undefined for any. */
  method: string | undefined;
  /** Header names lower-cased (they match case-insensitively), one entry per name, sorted by name. */
  headers: readonly NameValue[];
  /** Query parameter names as written (they match case-sensitively), one entry per name, sorted by name. */
  query: readonly NameValue[];
  /**
   * Where the match stands among its HTTPRoute's matches (rules, then
   * matches within a rule): the spec's last tie-breaker. Not part of what
   * is matched, so neither of the key nor of route names.
   */
  order: number;
}

/** The methods the Gateway API's enum allows (RFC 7231 and PATCH). */
export const MATCH_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * An RFC 7230 token without a quote, at most 256 characters: names sit in
 * a single-quoted word inside a fetch's argument, which haproxy parses with
 * quotes again.
 */
const NAME = /^[-!#$%&*+.0-9A-Z^_`a-z|~]{1,256}$/;
/** The API's pattern for header values: visible US-ASCII, single spaces or tabs between; nothing ends a line. */
const VALUE = /^[!-~]+(?:[\t ]?[!-~]+)*$/;

export function isMatchName(name: string): boolean {
  return NAME.test(name);
}

export function isMatchValue(value: string, maxLength: number): boolean {
  return value.length <= maxLength && VALUE.test(value);
}

/** The API's length limits of header and query parameter values. */
export const MAX_HEADER_VALUE = 4096;
export const MAX_QUERY_VALUE = 1024;

/** Whether every name and value of `m` may be written into haproxy.config as config/match-rule-lines.ts writes them. */
export function isSafeRequestMatch(m: RequestMatch): boolean {
  return (
    (m.method === undefined || MATCH_METHODS.has(m.method)) &&
    m.headers.every((h) => isMatchName(h.name) && isMatchValue(h.value, MAX_HEADER_VALUE)) &&
    m.query.every((q) => isMatchName(q.name) && isMatchValue(q.value, MAX_QUERY_VALUE))
  );
}

/**
 * One line per condition, in a fixed order: two matches asking the same
 * are the same slot of a host and path, whatever order they were written
 * in. JSON keeps names and values apart whatever they hold.
 */
export function requestMatchKey(m: Omit<RequestMatch, 'order'>): string {
  return JSON.stringify([m.method ?? '', m.headers.map((h) => [h.name, h.value]), m.query.map((q) => [q.name, q.value])]);
}
