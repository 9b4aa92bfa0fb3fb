import type { Route } from '../domain/route.ts';
import { DENY_STATUSES, type RateLimits } from '../domain/route-options.ts';
import { isGoTrue } from './annotation-values.ts';
import { quoteForMessage } from './rejection.ts';

const PREFIX = 'haproxy.router.openshift.io/rate-limit-connections';


const LIMITS = [
  ['concurrent', `${PREFIX}.concurrent-tcp`],
  ['tcpRate', `${PREFIX}.rate-tcp`],
  ['httpRate', `${PREFIX}.rate-http`],
] as const;

/** The annotations that mean something only while the switch is on. */
const SWITCHED = [...LIMITS.map(([, name]) => name), `${PREFIX}.status-code`];

/**
 * upstream's rate limits, on only when `rate-limit-connections` reads as
 * true (Go's ParseBool): each limit a whole number, whatever is not one
 * ignored and named in `notes`. Passthrough routes have no HTTP rate. The
 * status an HTTP client over its rate gets (`.status-code`, beyond
 * upstream, which closes the connection) is one haproxy can deny with.
 */
export function parseRateLimits(route: Route, notes: string[]): RateLimits | undefined {
  if (!isGoTrue(route.annotations[PREFIX])) {
    const inert = SWITCHED.filter((name) => route.annotations[name] !== undefined);
    if (inert.length > 0) notes.push(`${inert.join(', ')}: ignored, as upstream, while ${PREFIX} is not true`);
    return undefined;
  }
  const passthrough = route.tls?.termination === 'passthrough';
  const limits: { -readonly [K in keyof RateLimits]: RateLimits[K] } = {};
  for (const [field, name] of LIMITS) {
    const value = route.annotations[name];
    if (value === undefined) continue;
    if (field === 'httpRate' && passthrough) notes.push(`${name}: passthrough routes carry no HTTP requests: ignored`);
    else if (/^[0-9]{1,9}$/.test(value)) limits[field] = Number(value);
    else notes.push(`${name}: ${quoteForMessage(value, 40)} is not a whole number: ignored`);
  }
  const status = route.annotations[`${PREFIX}.status-code`];
  if (status !== undefined) {
    if (limits.httpRate === undefined) notes.push(`${PREFIX}.status-code: applies to rate-http only, which is not set: ignored`);
    else if (DENY_STATUSES.includes(Number(status)) && /^[0-9]{3}$/.test(status)) limits.status = Number(status);
    else notes.push(`${PREFIX}.status-code: ${quoteForMessage(status, 40)} is not one of ${DENY_STATUSES.join(', ')}: ignored`);
  }
  return Object.keys(limits).length === 0 ? undefined : limits;
}
