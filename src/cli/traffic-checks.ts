/**
 * Checks of the traffic settings beyond their type: the structured values
 * parse, every value that reaches haproxy.config is one haproxy word (or a
 * list of them) that cannot end its line, and the settings that go together
 * do. The files they name, and the subject filter's regular expression, are
 * checked at start (renderer-assets.ts), by reading them and by haproxy.
 */
import { isIP } from 'node:net';
import type { ReadableName } from './flags.ts';
import { parseCaseAdjustments, parseCookieCapture, parseHeaderActions, parseHeaderCaptures } from './http-settings.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import type { Parsed } from './values.ts';

/** A MIME type as haproxy's `compression type` takes it: `type/subtype`, no parameters, nothing haproxy would quote. */
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/;
const CURVES = /^[A-Za-z0-9_-]+(?::[A-Za-z0-9_-]+)*$/;
const CONTROL = /[\x00-\x1f\x7f]/;

/** The parse of each structured setting that is given, by name. */
export const STRUCTURED = {
  '--capture-http-request-headers': parseHeaderCaptures,
  '--capture-http-response-headers': parseHeaderCaptures,
  '--capture-http-cookie': parseCookieCapture,
  '--http-header-name-case-adjustments': parseCaseAdjustments,
  '--set-delete-http-request-header': (text: string) => parseHeaderActions(text, 'request'),
  '--set-delete-http-response-header': (text: string) => parseHeaderActions(text, 'response'),
} as const satisfies Record<string, (text: string) => Parsed<unknown>>;

export function trafficChecks(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  for (const [name, parse] of Object.entries(STRUCTURED) as [keyof typeof STRUCTURED, (text: string) => Parsed<unknown>][]) {
    const text = s.get(name);
    const parsed = text === undefined ? undefined : parse(text);
    if (parsed && !parsed.ok) errors.push(`${name}: ${parsed.error}`);
  }
  const mime = s.get('ROUTER_COMPRESSION_MIME');
  const badType = mime?.split(/\s+/).find((t) => t !== '' && !MIME_TYPE.test(t));
  if (mime !== undefined && (badType !== undefined || mime.trim() === '')) {
    errors.push(`ROUTER_COMPRESSION_MIME: invalid MIME type "${badType ?? mime}" (want space-separated types such as "text/html application/json")`);
  }
  const curves = s.get('ROUTER_CURVES');
  if (curves !== undefined && !CURVES.test(curves)) errors.push(`ROUTER_CURVES: invalid value "${curves}" (want colon-separated TLS group names, e.g. X25519:P-256)`);
  return [...errors, ...bindChecks(s), ...clientCertificateChecks(s)];
}

/** With --bind-address, the one address is bound: a family mode given beside it must be that address's. */
function bindChecks(s: ResolvedSettings): string[] {
  const address = s.get('--bind-address');
  const mode = s.get('ROUTER_IP_V4_V6_MODE');
  if (address === undefined || !s.given('ROUTER_IP_V4_V6_MODE') || isIP(address) === 0) return [];
  const family = isIP(address) === 6 ? 'v6' : 'v4';
  return mode === family ? [] : [`ROUTER_IP_V4_V6_MODE=${mode} and --bind-address=${address} disagree: with --bind-address only that address is bound`];
}

function clientCertificateChecks(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const verify = s.get('ROUTER_MUTUAL_TLS_AUTH');
  if (verify !== undefined && verify !== 'none' && !s.given('ROUTER_MUTUAL_TLS_AUTH_CA')) {
    errors.push(`ROUTER_MUTUAL_TLS_AUTH=${verify} needs ROUTER_MUTUAL_TLS_AUTH_CA (the CAs client certificates must chain to)`);
  }
  const filter = s.get('ROUTER_MUTUAL_TLS_AUTH_FILTER');
  if (filter !== undefined && CONTROL.test(filter)) errors.push('ROUTER_MUTUAL_TLS_AUTH_FILTER must not contain line breaks or other control characters');
  return errors;
}

/** Settings that do nothing without another, as upstream: said once at start. */
export function trafficNotes(s: ResolvedSettings): string[] {
  const notes: string[] = [];
  const without = (given: ReadableName, missing: string) => notes.push(`${given} has no effect without ${missing} (as in openshift-router)`);
  if (s.given('ROUTER_COMPRESSION_MIME') && !s.value('ROUTER_ENABLE_COMPRESSION')) without('ROUTER_COMPRESSION_MIME', 'ROUTER_ENABLE_COMPRESSION=true');
  if (s.get('ROUTER_MUTUAL_TLS_AUTH') === 'none') {
    for (const name of ['ROUTER_MUTUAL_TLS_AUTH_CA', 'ROUTER_MUTUAL_TLS_AUTH_CRL', 'ROUTER_MUTUAL_TLS_AUTH_FILTER'] as const) {
      if (s.given(name)) without(name, 'ROUTER_MUTUAL_TLS_AUTH=optional or required');
    }
  }
  return notes;
}
