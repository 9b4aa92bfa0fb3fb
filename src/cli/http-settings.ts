/**
 * Parsers for openshift-router's structured HTTP settings, with its syntax:
 * header captures (`Name:maxLength,...`), the captured cookie
 * (`name[=]:maxLength`), header name case adjustments (`Name,...`) and
 * header actions (`name:value:Set` / `name:Delete`, comma-separated, each
 * part URL-encoded), plus the checks openshift's APIs make of the same
 * fields, so that nothing reaches haproxy.config it could misread.
 */
import { HEADER_FETCHER, isHeaderActionValue, isHeaderName, type HeaderDirection } from '../domain/http-header.ts';
import type { CookieCapture, HeaderAction, HeaderCapture } from '../traffic-options.ts';
import { parseInteger, type Parsed } from './values.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = (error: string): Parsed<never> => ({ ok: false, error });

/** The value of each item, or the first item's error. */
function each<T>(text: string, parse: (item: string) => Parsed<T>): Parsed<T[]> {
  const out: T[] = [];
  for (const item of text.split(',')) {
    const parsed = parse(item);
    if (!parsed.ok) return parsed;
    out.push(parsed.value);
  }
  return ok(out);
}

function maxLength(text: string, item: string): Parsed<number> {
  const parsed = parseInteger(text, 1);
  return parsed.ok ? parsed : fail(`invalid length in "${item}" (want an integer >= 1)`);
}

/** `Name:maxLength,...`, as `--capture-http-request-headers` and `--capture-http-response-headers`. */
export function parseHeaderCaptures(text: string): Parsed<HeaderCapture[]> {
  return each(text, (item) => {
    const [name = '', length, ...rest] = item.split(':');
    if (length === undefined || rest.length > 0) return fail(`invalid header capture "${item}" (want NAME:MAXLENGTH)`);
    if (!isHeaderName(name)) return fail(`invalid header name "${name}"`);
    const max = maxLength(length, item);
    return max.ok ? ok({ name, maxLength: max.value }) : max;
  });
}

/** `name:maxLength` (a prefix of the cookie's name) or `name=:maxLength` (its exact name), as `--capture-http-cookie`. */
export function parseCookieCapture(text: string): Parsed<CookieCapture> {
  const [spec = '', length, ...rest] = text.split(':');
  if (length === undefined || rest.length > 0) return fail(`invalid cookie capture "${text}" (want NAME:MAXLENGTH or NAME=:MAXLENGTH)`);
  const exact = spec.endsWith('=');
  const name = exact ? spec.slice(0, -1) : spec;
  if (!isHeaderName(name)) return fail(`invalid cookie name "${name}"`);
  const max = maxLength(length, text);
  return max.ok ? ok({ name, exact, maxLength: max.value }) : max;
}

/** `Name,...`: each a header name with the case HTTP/1 clients should get (`--http-header-name-case-adjustments`). */
export function parseCaseAdjustments(text: string): Parsed<string[]> {
  const seen = new Set<string>();
  return each(text, (name) => {
    if (!isHeaderName(name)) return fail(`invalid header name "${name}"`);
    if (seen.has(name.toLowerCase())) return fail(`"${name}" is given twice`);
    seen.add(name.toLowerCase());
    return ok(name);
  });
}

/** Header names the IngressController API does not let header actions touch: the router, or HSTS, owns them. */
const RESERVED = ['strict-transport-security', 'proxy', 'host', 'cookie', 'set-cookie'];

/** Go's url.QueryUnescape, as upstream decodes each part: `%XX` and `+` for a space. */
function queryUnescape(part: string): Parsed<string> {
  try {
    return ok(decodeURIComponent(part.replaceAll('+', ' ')));
  } catch {
    return fail(`invalid percent-encoding in "${part}"`);
  }
}

function headerAction(item: string, direction: HeaderDirection): Parsed<HeaderAction> {
  const parts = item.split(':').map(queryUnescape);
  const bad = parts.find((p) => !p.ok);
  if (bad && !bad.ok) return bad;
  const [name = '', second = '', third] = parts.map((p) => (p.ok ? p.value : ''));
  const action = parts.length === 3 ? third : parts.length === 2 ? second : undefined;
  if (!(parts.length === 3 && action === 'Set') && !(parts.length === 2 && action === 'Delete')) {
    return fail(`invalid header action "${item}" (want NAME:VALUE:Set or NAME:Delete, each part URL-encoded)`);
  }
  if (!isHeaderName(name)) return fail(`invalid header name "${name}"`);
  if (RESERVED.includes(name.toLowerCase())) return fail(`the ${name} header may not be set or deleted by header actions`);
  if (action === 'Delete') return ok({ name, action });
  if (!isHeaderActionValue(second, direction)) {
    return fail(
      `invalid value for ${name} (want printable text, "%%" for a "%", or %[...] sampling only ${HEADER_FETCHER[direction]}(NAME) or ssl_c_der, converted only by lower or base64)`,
    );
  }
  return ok({ name, action, value: second });
}

/** `name:value:Set` / `name:Delete`, comma-separated (`--set-delete-http-request-header` and the response one). */
export function parseHeaderActions(text: string, direction: HeaderDirection): Parsed<HeaderAction[]> {
  return each(text, (item) => headerAction(item, direction));
}
