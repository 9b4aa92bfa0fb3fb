/**
 * HTTP header names and the values header actions may set, as openshift's
 * APIs check them (Route `spec.httpHeaders.actions` and the IngressController's
 * `spec.httpHeaders.actions`, which reach openshift-router as
 * ROUTER_HTTP_REQUEST_HEADERS / ROUTER_HTTP_RESPONSE_HEADERS), and how either
 * is written into haproxy.config as one word.
 */

/** An RFC 7230 token: the API's pattern for header names. */
const HEADER_NAME = /^[-!#$%&'*+.0-9A-Z^_`a-z|~]+$/;

export function isHeaderName(text: string): boolean {
  return HEADER_NAME.test(text);
}

/** Which messages an action applies to; each may read only its own side's headers. */
export type HeaderDirection = 'request' | 'response';

/**
 * The API's value pattern: literal text without `%` or control characters,
 * `%%`, or an haproxy sample (`%[...]`, optionally `%{+Q}[...]`) of the
 * allowed fetchers and converters only, so a value can neither break its
 * config line nor read what the API does not let it read.
 */
const VALUE: Record<HeaderDirection, RegExp> = {
  request: /^(?:%(?:%|(?:\{[-+]?[QXE](?:,[-+]?[QXE])*\})?\[(?:req\.hdr\([0-9A-Za-z-]+\)|ssl_c_der)(?:,(?:lower|base64))*\])|[^%\x00-\x1f\x7f])+$/,
  response: /^(?:%(?:%|(?:\{[-+]?[QXE](?:,[-+]?[QXE])*\})?\[(?:res\.hdr\([0-9A-Za-z-]+\)|ssl_c_der)(?:,(?:lower|base64))*\])|[^%\x00-\x1f\x7f])+$/,
};

export function isHeaderActionValue(value: string, direction: HeaderDirection): boolean {
  return VALUE[direction].test(value);
}

/** The fetcher a value of each direction may read, for error messages. */
export const HEADER_FETCHER: Record<HeaderDirection, string> = { request: 'req.hdr', response: 'res.hdr' };

/**
 * One haproxy word that haproxy reads back as exactly `text`: single quotes
 * keep spaces, `#`, `$` and backslashes literal, and a quote inside closes,
 * escapes and reopens (as openshift-router writes header actions). Callers
 * refuse control characters first: nothing may end the line.
 */
export function singleQuoted(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
