/**
 * Reasons keep openshift-router's strings so existing tooling that reads
 * `status.ingress[].conditions` keeps working.
 */
export type RejectionReason =
  | 'InvalidHost'
  | 'NoHostValue'
  | 'HostAlreadyClaimed'
  | 'RouteNotAdmitted'
  | 'ExtendedValidationFailed';

/** Why a route is not served; `message` is always one bounded line. */
export interface Rejection {
  reason: RejectionReason;
  message: string;
}

/** The outcome of one admission check. */
export type Verdict = { ok: true } | ({ ok: false } & Rejection);

/** The verdict of a check that found nothing wrong. */
export const ADMITTED: Verdict = { ok: true };

/** Builds a failed verdict. */
export function reject(reason: RejectionReason, message: string): Verdict {
  return { ok: false, reason, message };
}

const MAX_QUOTED = 80;
const MAX_FOREIGN_MESSAGE = 1024;
/** JSON.stringify escapes C0 controls but leaves these line breaks alone. */
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;
const CONTROL_RUNS = /[\x00-\x1f\x7f\u0085\u2028\u2029]+/g;

/** Quotes user text for a message without letting it span lines or grow unbounded. */
export function quoteForMessage(s: string): string {
  const clipped = s.length > MAX_QUOTED ? `${s.slice(0, MAX_QUOTED)}...` : s;
  return JSON.stringify(clipped).replace(UNICODE_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Joins field errors the way Kubernetes' `ErrorList.ToAggregate().Error()`
 * does (one error as is, several bracketed, duplicates dropped), so messages
 * read like the ones openshift-router users already know.
 */
export function aggregateFieldErrors(errors: readonly string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

/**
 * Text we do not build ourselves (a pluggable validator's message) still
 * ends up in one log line and one status condition: flatten and bound it.
 */
export function toOneLine(s: string): string {
  const flat = s.replace(CONTROL_RUNS, ' ').trim();
  return flat.length > MAX_FOREIGN_MESSAGE ? `${flat.slice(0, MAX_FOREIGN_MESSAGE)}...` : flat;
}
