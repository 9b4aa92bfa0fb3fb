/**
 * A rejected certificate, key or CA bundle.
 *
 * The message ends up in route status, which any user who can read the Route
 * sees, so it is only ever built from fixed text, PEM type names and
 * algorithm names: never from the bytes of a certificate or key. Code that
 * catches errors from node:crypto replaces their messages with one of these.
 */
export class InvalidTlsData extends Error {
  override name = 'InvalidTlsData';
}

/** The message of an `InvalidTlsData`, or `fallback` for anything else (whose text is not vetted). */
export function safeMessage(err: unknown, fallback: string): string {
  return err instanceof InvalidTlsData ? err.message : fallback;
}
