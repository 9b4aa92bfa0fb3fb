/**
 * Reasons keep openshift-router's strings so existing tooling that reads
 * `status.ingress[].conditions` keeps working.
 */
export type RejectionReason =
  | 'InvalidHost'
  | 'NoHostValue'
  | 'HostAlreadyClaimed'
  | 'RouteNotAdmitted'
  | 'ExtendedValidationFailed'
  | 'ExternalCertificateValidationFailed';

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

const MAX_FOREIGN_MESSAGE = 1024;
const CONTROL_RUNS = /[\x00-\x1f\x7f\u0085\u2028\u2029]+/g;

export { quoteForMessage } from '../domain/quote.ts';

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
