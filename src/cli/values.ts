/**
 * Parsers for the value syntaxes openshift-router accepts, so flags and
 * environment variables written for it mean the same thing here. Each returns
 * a result instead of throwing: the caller collects every error at once.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** Go's `strconv.ParseBool`, which both pflag and upstream's env lookups use. */
export function parseGoBool(raw: string): Parsed<boolean> {
  if (GO_TRUE.includes(raw)) return ok(true);
  if (GO_FALSE.includes(raw)) return ok(false);
  return fail(`invalid boolean "${raw}" (want one of ${[...GO_TRUE, ...GO_FALSE].join(', ')})`);
}

/** A decimal integer within [min, max]; the bounds only shape the error text when absent. */
export function parseInteger(raw: string, min?: number, max?: number): Parsed<number> {
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  const inRange = Number.isSafeInteger(value) && (min === undefined || value >= min) && (max === undefined || value <= max);
  return inRange ? ok(value) : fail(`invalid value "${raw}" (want ${describeIntRange(min, max)})`);
}

function describeIntRange(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an integer from ${min} to ${max}`;
  if (min !== undefined) return `an integer >= ${min}`;
  if (max !== undefined) return `an integer <= ${max}`;
  return 'an integer';
}

const GO_DURATION_UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu: Go accepts both spellings
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const GO_DURATION = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const GO_DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/**
 * Go's `time.ParseDuration` (`300ms`, `1m30s`, `-2h`, a bare `0`) in
 * milliseconds; fractional when the input is finer than a millisecond.
 */
export function parseGoDuration(raw: string): Parsed<number> {
  if (/^[+-]?0$/.test(raw)) return ok(0);
  if (!GO_DURATION.test(raw)) return fail(`invalid duration "${raw}" (want e.g. 300ms, 5s, 1m30s)`);
  let total = 0;
  for (const [, amount, unit] of raw.matchAll(GO_DURATION_PART)) {
    total += Number(amount) * (GO_DURATION_UNIT_MS[unit ?? ''] ?? NaN);
  }
  return ok(raw.startsWith('-') ? -total : total);
}

const HAPROXY_TIME = /^([1-9]\d*)(us|ms|s|m|h|d)?$/;
const HAPROXY_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** HAProxy stores timeouts as signed 32-bit milliseconds; upstream clips above this, we refuse. */
export const HAPROXY_MAX_TIME_MS = 2_147_483_647;

/**
 * The time syntax upstream's template accepts for ROUTER_*_TIMEOUT and friends
 * (`[1-9][0-9]*(us|ms|s|m|h|d)?`, no unit = ms), in whole milliseconds.
 */
export function parseHaproxyTime(raw: string): Parsed<number> {
  const match = HAPROXY_TIME.exec(raw);
  if (!match) return fail(`invalid time "${raw}" (want HAProxy time syntax [1-9][0-9]*(us|ms|s|m|h|d)?, e.g. 5s)`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 'ms';
  // Sub-millisecond values round up: haproxy.cfg is rendered in whole ms and 0 would mean "no timeout".
  const ms = unit === 'us' ? Math.ceil(amount / 1000) : amount * (HAPROXY_UNIT_MS[unit] ?? NaN);
  if (ms > HAPROXY_MAX_TIME_MS) return fail(`invalid time "${raw}" (above HAProxy's maximum of ${HAPROXY_MAX_TIME_MS}ms)`);
  return ok(ms);
}
