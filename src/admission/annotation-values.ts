import { FORWARDED_HEADER_POLICIES, type ForwardedHeaderPolicy } from '../traffic-options.ts';

/**
 * upstream's checks of single annotation values (its template's patterns,
 * always matched whole: `firstMatch` anchors them). Each returns the value
 * as the router uses it, or undefined when upstream would ignore it.
 */

/** haproxy's largest timeout; upstream clips longer ones to it. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `[1-9][0-9]*(us|ms|s|m|h|d)?`, no unit meaning milliseconds, clipped to
 * haproxy's maximum as upstream's clipHAProxyTimeoutValue does. Kept as
 * milliseconds because the runtime reads a timeout from a map as a number
 * of milliseconds (`4s` would be read as 4 ms); microseconds round up, as
 * haproxy rounds them.
 */
export function parseTimeout(value: string): number | undefined {
  const match = /^([1-9][0-9]*)(us|ms|s|m|h|d)?$/.exec(value);
  if (!match) return undefined;
  const ms = Math.ceil(Number(match[1]) * (TIME_UNITS_MS[match[2] ?? 'ms'] ?? 1));
  return Math.min(ms, MAX_TIMEOUT_MS);
}

/** Far above any real header (`max-age=31536000;includeSubDomains;preload` is 44 characters). */
export const MAX_HSTS_LENGTH = 256;

const HSTS_TOKEN = /^(?:max-age[ \t]*=[ \t]*(?:\d+|"\d+")|includeSubDomains|preload)$/i;

/**
 * upstream's HSTS pattern: `max-age=N` (N bare or quoted) once, with
 * `includeSubDomains` and `preload` around it, separated by `;` with
 * optional spaces. Upstream's `\s` also takes line breaks; here only spaces
 * and tabs do, so a value can never end a line. Written back without the
 * optional whitespace, which changes nothing for a client and keeps the
 * value one word for the runtime API. Upstream's pattern is anchored at
 * both ends: whitespace around the whole value voids it there, and here.
 * A value over MAX_HSTS_LENGTH is ignored: it travels in a runtime `set
 * map`, whose line haproxy's CLI cuts (about 16 KB), which would turn every
 * change of it into a reload no namespace's budget counts.
 */
export function parseHsts(value: string): string | undefined {
  if (value.length > MAX_HSTS_LENGTH || value !== value.trim()) return undefined;
  const tokens = value.split(';').map((t) => t.replace(/^[ \t]+|[ \t]+$/g, ''));
  if (!tokens.every((t) => HSTS_TOKEN.test(t))) return undefined;
  if (tokens.filter((t) => /^max-age/i.test(t)).length !== 1) return undefined;
  return tokens.map((t) => t.replace(/[ \t]/g, '')).join(';');
}

export function parseForwardedHeaders(value: string): ForwardedHeaderPolicy | undefined {
  return FORWARDED_HEADER_POLICIES.find((p) => p === value);
}

/** upstream's isInteger (Go's Atoi), without the negative values that would refuse every connection. */
export function parseCount(value: string): number | undefined {
  return /^[0-9]{1,9}$/.test(value) ? Number(value) : undefined;
}

const BALANCES = new Set(['roundrobin', 'leastconn', 'source', 'random']);

export function parseBalance(value: string): string | undefined {
  return BALANCES.has(value) ? value : undefined;
}

export function parseCookieName(value: string): string | undefined {
  return /^[a-zA-Z0-9_-]+$/.test(value) ? value : undefined;
}

export function parseSameSite(value: string): 'Lax' | 'Strict' | 'None' | undefined {
  return value === 'Lax' || value === 'Strict' || value === 'None' ? value : undefined;
}

/** Go's strconv.ParseBool, which upstream reads its switches with (`isTrue`). */
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

export function isGoTrue(value: string | undefined): boolean {
  return GO_TRUE.has(value ?? '');
}
