/**
 * Errors from talking to the API server, and the one-line descriptions the
 * router logs for them. Every failure an operator sees goes through
 * `describeKubeError`, so a 401, an unknown CA and a refused connection all
 * read the same way whether they came from a list (client-node's generated
 * API) or from our watch.
 */
import { STATUS_CODES } from 'node:http';

/** An API server's refusal: a non-2xx response, or a watch `ERROR` event carrying a Status. */
export class KubeStatusError extends Error {
  /** client-node's ListWatch relists when `statusCode` or `code` is 410, so both carry the status. */
  readonly statusCode: number;
  readonly code: number;
  /** The Status `reason` (`Expired`, `Unauthorized`, ...) when the server sent one. */
  readonly reason: string | undefined;
  /** The wait the server asked for (its Retry-After header, or the Status's `details.retryAfterSeconds`). */
  retryAfterSeconds: number | undefined;

  constructor(statusCode: number, detail?: string, reason?: string) {
    const text = STATUS_CODES[statusCode] ?? 'Unknown Status';
    super(detail && detail !== text ? `${statusCode} ${text}: ${detail}` : `${statusCode} ${text}`);
    this.name = 'KubeStatusError';
    this.statusCode = statusCode;
    this.code = statusCode;
    this.reason = reason;
    this.retryAfterSeconds = undefined;
  }
}

interface StatusLike {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
}

function asStatus(body: unknown): StatusLike | undefined {
  if (typeof body === 'string') {
    try {
      return asStatus(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return body !== null && typeof body === 'object' ? (body as StatusLike) : undefined;
}

/** The error for a Status object (a watch `ERROR` event, or an error response's body) with `fallbackCode` when it names none. */
export function statusError(body: unknown, fallbackCode: number): KubeStatusError {
  const status = asStatus(body);
  const code = typeof status?.code === 'number' ? status.code : fallbackCode;
  const message = typeof status?.message === 'string' ? status.message : undefined;
  const reason = typeof status?.reason === 'string' ? status.reason : undefined;
  const err = new KubeStatusError(code, message, reason);
  err.retryAfterSeconds = retryAfterSecondsOf(undefined, status);
  return err;
}

/** Reads a non-2xx response's body (a Status, usually) into an error, with the wait its Retry-After asks for. */
export async function statusErrorFromResponse(res: Response): Promise<KubeStatusError> {
  const body = await res.text().catch(() => '');
  const err = statusError(body, res.status);
  err.retryAfterSeconds = retryAfterSecondsOf(res.headers.get('retry-after'), body);
  return err;
}

/**
 * A Retry-After header's whole seconds, as client-go reads it (an HTTP date,
 * a fraction or an empty header is no wait named), else the Status's
 * `details.retryAfterSeconds`.
 */
function retryAfterSecondsOf(header: unknown, body: unknown): number | undefined {
  const details = (asStatus(body) as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details;
  const fromHeader = typeof header === 'string' && /^\s*\d+\s*$/.test(header) ? Number(header) : undefined;
  const fromDetails = typeof details?.retryAfterSeconds === 'number' && Number.isInteger(details.retryAfterSeconds) && details.retryAfterSeconds >= 0 ? details.retryAfterSeconds : undefined;
  return fromHeader ?? fromDetails;
}

/** The HTTP status an error carries, from our errors or client-node's `ApiException`. */
export function statusCodeOf(err: unknown): number | undefined {
  if (err instanceof KubeStatusError) return err.statusCode;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The longest wait a Retry-After may ask for: a wrong one must not hold the router's writes for long. */
const MAX_RETRY_AFTER_MS = 60_000;
/**
 * The shortest: a second, also for a 429 that names no wait (client-go
 * would not retry it at all) and for `Retry-After: 0`, which a proxy in
 * front of the API server may send and which, taken as "at once", would
 * turn every retry here into a loop without a pause.
 */
const MIN_RETRY_AFTER_MS = 1000;

/**
 * How long the API server asked to be left alone: a 429 (API Priority and
 * Fairness, or too many requests in flight) or a 5xx that carries
 * Retry-After, the responses client-go waits out and sends again; undefined
 * for any other error. The header's seconds (client-node's `ApiException`
 * keeps the headers; ours, `statusErrorFromResponse`, reads them), else the
 * Status's `details.retryAfterSeconds`, else a second for a 429; at least a
 * second, at most a minute. A caller with a backoff of its own waits the
 * longer of the two (a server that keeps throttling must not get a retry
 * every second for ever).
 */
export function retryAfterMs(err: unknown): number | undefined {
  const code = statusCodeOf(err);
  if (code === undefined || (code !== 429 && code < 500)) return undefined;
  const { headers, body } = (err ?? {}) as { headers?: unknown; body?: unknown };
  const header = headers !== null && typeof headers === 'object' ? (headers as Record<string, unknown>)['retry-after'] : undefined;
  const seconds = err instanceof KubeStatusError ? err.retryAfterSeconds : retryAfterSecondsOf(header, body);
  if (seconds === undefined) return code === 429 ? MIN_RETRY_AFTER_MS : undefined;
  return Math.min(Math.max(seconds * 1000, MIN_RETRY_AFTER_MS), MAX_RETRY_AFTER_MS);
}

/** Certificate verification failures, where the fix is nearly always the CA configuration. */
const TLS_VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * One line saying why a request failed, for logs. client-node's
 * `ApiException` message spans several lines and embeds all response
 * headers, so it is rebuilt from its code and body instead.
 */
export function describeKubeError(err: unknown): string {
  if (err instanceof KubeStatusError) return err.message;
  if (!(err instanceof Error)) return String(err);
  const { code, body } = err as Error & { code?: unknown; body?: unknown };
  if (typeof code === 'number') return statusError(body, code).message;
  // Bun appends advice about its fetch `verbose` option, which means nothing to an operator.
  let text = err.message.replace(/\.?\s*For more information, pass `verbose: true`.*$/s, '').replace(/\s*\n\s*/g, ' ');
  if (typeof code === 'string' && !text.includes(code)) text = `${code}: ${text}`;
  if (typeof code === 'string' && TLS_VERIFY_CODES.has(code)) {
    text += ' (check the certificate authority: --certificate-authority or the kubeconfig)';
  }
  return text;
}
