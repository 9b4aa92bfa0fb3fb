/**
 * Status conditions as Gateway API objects carry them (metav1.Condition
 * without the times and generation, which the status writer adds), and the
 * verdicts they are built from.
 */

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** A decision with the reason the spec names for it, and a message for the object's owner. */
export type Judgement = { ok: true; reason: string; message: string } | { ok: false; reason: string; message: string };

export function good(reason: string, message = ''): Judgement {
  return { ok: true, reason, message };
}

export function bad(reason: string, message: string): Judgement {
  return { ok: false, reason, message };
}

export function condition(type: string, judgement: Judgement): Condition {
  return { type, status: judgement.ok ? 'True' : 'False', reason: judgement.reason, message: judgement.message };
}

/** Conditions are bounded (32 KiB each in the API): a message naming many hosts or rules is cut, not refused. */
const MAX_MESSAGE = 2048;

export function boundedMessage(parts: readonly string[]): string {
  const text = parts.join('; ');
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}...` : text;
}
