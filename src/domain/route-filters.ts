/**
 * What a Gateway API route rule's filters ask of the traffic of the routes
 * made from it, checked (src/gateway/http-filters.ts) but in the spec's
 * terms: header values and paths are literal text, never haproxy syntax;
 * the config renderer quotes and escapes them.
 */

/** `set` replaces every value of the header, `add` appends one, `remove` deletes it. */
export interface LiteralHeaderAction {
  readonly name: string;
  readonly action: 'Set' | 'Add' | 'Delete';
  /** Literal text ("" for Delete). */
  readonly value: string;
}

/** `ReplaceFullPath`, or `ReplacePrefixMatch` of the route's path prefix. */
export interface PathReplacement {
  readonly kind: 'full' | 'prefix';
  /** A path of the characters a URL path may hold (`%XX` escapes included); "" only for a prefix. */
  readonly value: string;
}

export interface RouteRedirect {
  /** undefined: the request's. */
  readonly scheme: 'http' | 'https' | undefined;
  /** undefined: the request's host name, without its port. */
  readonly hostname: string | undefined;
  /** undefined: the scheme's well-known port when `scheme` is set, else the listener's. */
  readonly port: number | undefined;
  readonly path: PathReplacement | undefined;
  readonly statusCode: number;
}

export interface RouteRewrite {
  /** The Host header the backend gets. */
  readonly hostname: string | undefined;
  readonly path: PathReplacement | undefined;
}

export interface RouteFilters {
  readonly request: readonly LiteralHeaderAction[];
  readonly response: readonly LiteralHeaderAction[];
  readonly redirect: RouteRedirect | undefined;
  readonly rewrite: RouteRewrite | undefined;
  /**
   * Some of the rule's backendRefs are not valid (missing, of another kind,
   * not granted): the spec has the requests they would have had answered
   * 500, `weight` of every `total` (all of them when `weight === total`:
   * no backendRef is valid). Never set with a redirect, which answers them itself.
   */
  readonly invalidBackends?: { readonly weight: number; readonly total: number };
}
