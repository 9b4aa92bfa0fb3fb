/**
 * A Gateway API route's filters as lines of its backend: header modifiers
 * through the header actions Routes have, redirects and rewrites as
 * `http-request` lines. Every value the spec calls literal is written as
 * one single-quoted haproxy word with each `%` doubled, so haproxy's
 * log-format reads it back as the same text; the checks in
 * src/gateway/http-filters.ts have already refused control characters.
 */
import { singleQuoted } from '../domain/http-header.ts';
import type { LiteralHeaderAction, PathReplacement, RouteFilters, RouteRedirect } from '../domain/route-filters.ts';
import type { RouteHeaderActions } from '../domain/route-options.ts';
import type { HeaderAction } from '../traffic-options.ts';
import { actionLine } from './traffic-config.ts';

export type Scheme = 'http' | 'https';

/** Text as haproxy log-format that evaluates to the text itself. */
export function literalFormat(text: string): string {
  return text.replaceAll('%', '%%');
}

/** A path as a regular expression that matches it literally. */
export const literalRegex = (path: string): string => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function headerAction(a: LiteralHeaderAction): HeaderAction {
  return a.action === 'Delete' ? { name: a.name, action: 'Delete' } : { name: a.name, action: a.action, value: literalFormat(a.value) };
}

export function filterHeaderActions(filters: RouteFilters | undefined): RouteHeaderActions | undefined {
  if (filters === undefined || (filters.request.length === 0 && filters.response.length === 0)) return undefined;
  return { request: filters.request.map(headerAction), response: filters.response.map(headerAction) };
}

/**
 * `replace-path` lines that make the path as the spec's table says:
 * `ReplaceFullPath` replaces it whole; `ReplacePrefixMatch` replaces the
 * route's prefix (`routePath`, "" for `/`, never with a trailing slash)
 * with the value less its trailing slashes, keeping what follows it, and
 * an empty result is `/`. The query string is not part of the path: kept.
 */
export function pathLines(routePath: string, p: PathReplacement): string[] {
  const line = (pattern: string, replacement: string) => `http-request replace-path ${singleQuoted(pattern)} ${singleQuoted(replacement)}`;
  if (p.kind === 'full') return [line('.*', literalFormat(p.value))];
  const value = literalFormat(p.value.replace(/\/+$/, ''));
  if (routePath === '') return value === '' ? [] : [line('^(/.*)$', `${value}\\1`)];
  const prefix = literalRegex(routePath);
  if (value !== '') return [line(`^${prefix}(/.*)?$`, `${value}\\1`)];
  return [line(`^${prefix}$`, '/'), line(`^${prefix}(/.*)$`, '\\1')];
}

const WELL_KNOWN: Readonly<Record<Scheme, number>> = { http: 80, https: 443 };

/**
 * The Location of a redirect of a request that came in over `incoming` on
 * the listener's `listenerPort`, as log-format text: the spec's port rules
 * (a scheme set without a port takes the scheme's well-known port, no
 * scheme keeps the listener's; 80 for http and 443 for https are left
 * out), the request's host name without its port unless one is given, and
 * its path (already replaced) and query string.
 */
export function redirectLocation(r: RouteRedirect, incoming: Scheme, listenerPort: number): string {
  const scheme = r.scheme ?? incoming;
  const port = r.port ?? (r.scheme !== undefined ? WELL_KNOWN[scheme] : listenerPort);
  const host = r.hostname ?? '%[var(txn.host)]';
  return `${scheme}://${host}${port === WELL_KNOWN[scheme] ? '' : `:${port}`}%[pathq]`;
}

/** Set by the backend's `http-response` rules, which run on a server's answers only. */
const SERVER_ANSWERED = 'txn.server_answered';

/**
 * The ResponseHeaderModifier on the answers haproxy makes itself for the
 * route (a RequestRedirect's redirect, 503 with no server, 504 when the
 * server is slow): the spec has every filter but URLRewrite combine with
 * RequestRedirect, so a redirect carries the rule's response headers.
 * `http-response` lines (the header actions, which keep their place before
 * the frontends' own) do not run on those answers and `http-after-response`
 * lines run on every answer, so these skip the ones a server gave.
 */
function ownAnswerLines(filters: RouteFilters): string[] {
  if (filters.response.length === 0) return [];
  return [
    `http-response set-var(${SERVER_ANSWERED}) bool(true)`,
    ...filters.response.map((a) => `${actionLine('after-response', headerAction(a))} unless { var(${SERVER_ANSWERED}) -m found }`),
  ];
}

export interface FilterPorts {
  httpPort: number;
  httpsPort: number;
}

/**
 * The redirect and rewrite lines of a route's backend. `schemes` are those
 * it is served over: with both, a request's own picks its Location
 * (`ssl_fc`: TLS terminated here).
 */
export function filterLines(filters: RouteFilters | undefined, routePath: string, schemes: readonly Scheme[], ports: FilterPorts): string[] {
  if (filters === undefined) return [];
  const lines: string[] = ownAnswerLines(filters);
  const rewrite = filters.rewrite;
  if (rewrite?.path) lines.push(...pathLines(routePath, rewrite.path));
  if (rewrite?.hostname !== undefined) lines.push(`http-request set-header host ${singleQuoted(rewrite.hostname)}`);
  const redirect = filters.redirect;
  if (redirect === undefined) {
    // After the rewrite, so a log of the request shows what the backend would have got; the frontend's own error page for 500.
    const invalid = filters.invalidBackends;
    if (invalid !== undefined) {
      // `rand(n)` draws from 0..n-1: below `weight`, the request was the invalid backendRefs'.
      const share = invalid.weight >= invalid.total ? '' : ` if { rand(${invalid.total}) lt ${invalid.weight} }`;
      lines.push(`http-request return status 500 default-errorfiles${share}`);
    }
    return lines;
  }
  if (redirect.path) lines.push(...pathLines(routePath, redirect.path));
  for (const scheme of schemes) {
    const location = redirectLocation(redirect, scheme, scheme === 'https' ? ports.httpsPort : ports.httpPort);
    const condition = schemes.length === 1 ? '' : scheme === 'https' ? ' if { ssl_fc }' : ' if !{ ssl_fc }';
    lines.push(`http-request redirect location ${singleQuoted(location)} code ${redirect.statusCode}${condition}`);
  }
  return lines;
}
