/** JSON.stringify escapes C0 controls but leaves these line breaks alone. */
const UNICODE_LINE_BREAKS = /[\u0085\u2028\u2029]/g;

/**
 * Quotes text a tenant wrote (a name, a path, an address, a PEM type) for a
 * log line or a status message: on one line, escaped, and cut after `max`
 * characters, so it can neither forge another line nor grow the message.
 */
export function quoteForMessage(text: string, max = 80): string {
  const clipped = text.length > max ? `${text.slice(0, max)}...` : text;
  return JSON.stringify(clipped).replace(UNICODE_LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
