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

export interface Rejection {
  reason: RejectionReason;
  message: string;
}

export type Verdict = { ok: true } | ({ ok: false } & Rejection);

export const ADMITTED: Verdict = { ok: true };

export function reject(reason: RejectionReason, message: string): Verdict {
  return { ok: false, reason, message };
}
