import { parseCidr } from '../domain/cidr.ts';
import { canonicalIp } from '../domain/ip.ts';
import type { Route } from '../domain/route.ts';
import { NO_OPTIONS, type RouteOptions } from '../domain/route-options.ts';
import { isGoTrue, parseBalance, parseCount, parseForwardedHeaders, parseCookieName, parseHsts, parseSameSite, parseTimeout } from './annotation-values.ts';
import { routeHeaderActions } from './header-actions.ts';
import { parseRateLimits } from './rate-limits.ts';
import { parseRewriteTarget } from './rewrite-target.ts';
import { quoteForMessage } from './rejection.ts';

const PREFIX = 'haproxy.router.openshift.io/';
const ALLOWLIST = `${PREFIX}ip_allowlist`;
const LEGACY_ALLOWLIST = `${PREFIX}ip_whitelist`;

/** Upstream honours these; the route is served without them until issue #13, and its status says so. */
/** Accepted and without effect, as upstream: its parsing of the value ignores every value. */
const POOL_SIZE = 'router.openshift.io/pool-size';

/** A route's options, and what the router says about the annotations it could not honour. */
export interface ParsedOptions {
  options: RouteOptions;
  /** One line for the log and the route's Admitted condition; undefined when every annotation was honoured. */
  notice: string | undefined;
}

/**
 * Annotations with one value each, and what upstream accepts for it
 * (annotation-values.ts). A value it does not accept is ignored, as
 * upstream ignores it, and named in the route's notice.
 */
const VALUED = {
  timeoutMs: { name: `${PREFIX}timeout`, parse: parseTimeout, expected: 'a time such as 30s, 500ms or 2m' },
  tunnelTimeoutMs: { name: `${PREFIX}timeout-tunnel`, parse: parseTimeout, expected: 'a time such as 1h or 30s' },
  hsts: { name: `${PREFIX}hsts_header`, parse: parseHsts, expected: 'max-age=<seconds>, optionally with ;includeSubDomains and ;preload' },
  balance: { name: `${PREFIX}balance`, parse: parseBalance, expected: 'roundrobin, leastconn, source or random' },
  podMaxConn: { name: `${PREFIX}pod-concurrent-connections`, parse: parseCount, expected: 'a whole number' },
  checkIntervalMs: { name: 'router.openshift.io/haproxy.health.check.interval', parse: parseTimeout, expected: 'a time such as 5s or 500ms' },
  forwardedHeaders: { name: `${PREFIX}set-forwarded-headers`, parse: parseForwardedHeaders, expected: 'append, replace, if-none or never' },
  cookieName: { name: 'router.openshift.io/cookie_name', parse: parseCookieName, expected: 'letters, digits, _ and -' },
  cookieSameSite: { name: 'router.openshift.io/cookie-same-site', parse: parseSameSite, expected: 'Lax, Strict or None' },
  rewriteTarget: {
    name: `${PREFIX}rewrite-target`,
    parse: (v: string) => {
      const replacement = parseRewriteTarget(v);
      return replacement === undefined ? undefined : { replacement, root: v === '/' };
    },
    expected: 'a path starting with / without control characters',
  },
} as const;

/** The valued annotations a route carries, parsed; what is not valid is named in `notes`. */
function valuedOptions(route: Route, notes: string[]): Partial<RouteOptions> {
  const options: Record<string, unknown> = {};
  for (const [field, { name, parse, expected }] of Object.entries(VALUED)) {
    const value = route.annotations[name];
    if (value === undefined) continue;
    const parsed = parse(value);
    if (parsed === undefined) notes.push(`${name}: ${quoteForMessage(value, 64)} is not ${expected}: ignored`);
    else options[field] = parsed;
  }
  return options as Partial<RouteOptions>;
}

/**
 * An allowlist entry as haproxy should read it: an address, or a range
 * written as its network (Go's ParseCIDR, which upstream uses, accepts host
 * bits past the prefix and so does haproxy, which masks them; writing the
 * network keeps the text the runtime API deletes by stable).
 */
function allowlistEntry(text: string): string | undefined {
  if (!text.includes('/')) return canonicalIp(text);
  const parsed = parseCidr(text, 'mask');
  return parsed.ok ? parsed.cidr.text : undefined;
}

/**
 * upstream's parseIPList: space-separated addresses and CIDRs (IPv4 and
 * IPv6); leading or trailing whitespace voids the whole value, invalid
 * entries are dropped, and nothing valid means no allowlist.
 */
function parseAllowlist(value: string): { entries: string[] | undefined; problem: string | undefined } {
  if (value.trim() !== value) return { entries: undefined, problem: 'leading or trailing whitespace: ignored, as upstream' };
  // A Set: an annotation holds up to 256 KiB, some 20,000 entries, each looked up against the others.
  const entries = new Set<string>();
  const invalid: string[] = [];
  for (const word of value.split(/\s+/)) {
    const entry = allowlistEntry(word);
    if (entry === undefined) invalid.push(word);
    else entries.add(entry);
  }
  const dropped = invalid.length === 0 ? undefined : `invalid entries dropped: ${invalid.slice(0, 3).map((t) => quoteForMessage(t)).join(', ')}${invalid.length > 3 ? ` (+${invalid.length - 3} more)` : ''}`;
  if (entries.size === 0) return { entries: undefined, problem: `${dropped ?? 'no entries'}; no valid address left, so no allowlist applies` };
  // Upstream picks the allowlist with Go's `.+`, which stops at a line break: a value of several lines is none there.
  const lines = /[\r\n]/.test(value) ? 'a value of several lines, which upstream ignores (its allowlist or none applies), is applied whole here' : undefined;
  return { entries: [...entries], problem: [dropped, lines].filter(Boolean).join('; ') || undefined };
}

/** Reads the annotations the router implements into RouteOptions, and names those it does not honour. */
export function parseRouteOptions(route: Route): ParsedOptions {
  const notes: string[] = [];
  const allowlistName = route.annotations[ALLOWLIST] ? ALLOWLIST : route.annotations[LEGACY_ALLOWLIST] ? LEGACY_ALLOWLIST : undefined;
  let allowlist: string[] | undefined;
  if (allowlistName !== undefined) {
    const parsed = parseAllowlist(route.annotations[allowlistName] ?? '');
    allowlist = parsed.entries;
    if (parsed.problem) notes.push(`${allowlistName}: ${parsed.problem}`);
  }
  const valued = valuedOptions(route, notes);
  const cookiesDisabled = isGoTrue(route.annotations[`${PREFIX}disable_cookies`]) || undefined;
  const h1AdjustCase = isGoTrue(route.annotations[`${PREFIX}h1-adjust-case`]) || undefined;
  const headerActions = routeHeaderActions(route, notes);
  const rateLimits = parseRateLimits(route, notes);
  // Not switched on, rate limits change nothing upstream either: said, not refused.
  if (route.annotations[POOL_SIZE] !== undefined) notes.push(`${POOL_SIZE}: has no effect, as in openshift-router (whose parsing ignores every value); spare pools are sized from use`);
  const none = allowlist === undefined && cookiesDisabled === undefined && h1AdjustCase === undefined && headerActions === undefined && rateLimits === undefined && Object.keys(valued).length === 0;
  return { options: none ? NO_OPTIONS : { allowlist, cookiesDisabled, h1AdjustCase, headerActions, rateLimits, ...valued }, notice: notes.length === 0 ? undefined : notes.join('; ') };
}
