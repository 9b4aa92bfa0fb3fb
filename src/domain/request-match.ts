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

/**
 * One line per condition, in a fixed order: two matches asking the same
 * are the same slot of a host and path, whatever order they were written
 * in. JSON keeps names and values apart whatever they hold.
 */
export function requestMatchKey(m: Omit<RequestMatch, 'order'>): string {
  return JSON.stringify([m.method ?? '', m.headers.map((h) => [h.name, h.value]), m.query.map((q) => [q.name, q.value])]);
}
