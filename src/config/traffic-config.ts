import { singleQuoted } from '../domain/http-header.ts';
import type { HeaderAction, HttpOptions } from '../traffic-options.ts';
import { clientCertificateLines, tlsBindVerify } from './client-certificates.ts';
import { routedForwardedHeaderLines, type FrontendProto } from './forwarded-headers.ts';
import type { ConfigSettings } from './settings.ts';

/**
 * Configuration lines of the settings that apply to all traffic alike
 * (upstream's global template variables), by where they go. Every value
 * that reaches a line passed the CLI's checks (no line breaks); names and
 * values are written as single-quoted haproxy words where they could hold
 * haproxy's special characters.
 */
export interface TrafficConfig {
  global: string[];
  defaults: string[];
  /** The address part of each public bind line for a port (`:80`, `:::80 v6only accept-proxy`). */
  publicBinds(port: number): string[];
  /** Appended to the TLS-terminating binds: client certificate verification. */
  tlsBindOptions: string;
  /** `capture` lines of each HTTP frontend. */
  captures: string[];
  /** Right after the request hygiene of the TLS-terminating frontends: client certificate checks and headers. */
  clientCertificate: string[];
  /** After routing in each HTTP frontend: the global header actions, then the forwarded headers. */
  afterRouting(proto: FrontendProto): string[];
}

/** haproxy keeps this many bytes of a captured cookie unless told more (`tune.http.cookielen`). */
const DEFAULT_COOKIE_LENGTH = 63;

/** The address of a bind line: every IPv4 address (`:P`), every IPv6 one only (`:::P v6only`), or the one given. */
export function bindAddresses(address: string, ipMode: ConfigSettings['ipMode'], port: number): string[] {
  if (address !== '') return [address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`];
  const v4 = `:${port}`;
  const v6 = `:::${port} v6only`;
  return ipMode === 'v4' ? [v4] : ipMode === 'v6' ? [v6] : [v4, v6];
}

/** One header action as a line, name and value single-quoted (the global actions and a route's alike). */
export function actionLine(direction: 'request' | 'response' | 'after-response', a: HeaderAction): string {
  if (a.action === 'Delete') return `http-${direction} del-header ${singleQuoted(a.name)}`;
  return `http-${direction} ${a.action === 'Set' ? 'set' : 'add'}-header ${singleQuoted(a.name)} ${singleQuoted(a.value)}`;
}

function captureLines(capture: HttpOptions['capture']): string[] {
  const cookie = capture.cookie;
  return [
    ...capture.request.map((c) => `capture request header ${singleQuoted(c.name)} len ${c.maxLength}`),
    ...capture.response.map((c) => `capture response header ${singleQuoted(c.name)} len ${c.maxLength}`),
    ...(cookie ? [`capture cookie ${singleQuoted(cookie.exact ? `${cookie.name}=` : cookie.name)} len ${cookie.maxLength}`] : []),
  ];
}

export function trafficConfig(s: ConfigSettings): TrafficConfig {
  const http = s.http;
  const cookie = http.capture.cookie;
  const proxy = s.proxyProtocol ? ' accept-proxy' : '';
  return {
    global: [
      ...http.h1CaseAdjust.map((name) => `h1-case-adjust ${singleQuoted(name.toLowerCase())} ${singleQuoted(name)}`),
      ...(cookie && cookie.maxLength > DEFAULT_COOKIE_LENGTH ? [`tune.http.cookielen ${cookie.maxLength}`] : []),
      ...(s.tls.curves !== undefined ? [`ssl-default-bind-curves ${s.tls.curves}`] : []),
    ],
    defaults: [
      ...(http.compressionTypes ? ['compression algo gzip', `compression type ${http.compressionTypes.join(' ')}`] : []),
      ...(http.h1CaseAdjust.length > 0 ? ['option h1-case-adjust-bogus-client'] : []),
      ...(http.contStats ? ['option contstats'] : []),
      ...(http.abortOnClose ? ['option abortonclose'] : []),
    ],
    publicBinds: (port) => bindAddresses(s.bindAddress, s.ipMode, port).map((a) => `${a}${proxy}`),
    tlsBindOptions: tlsBindVerify(s.tls.clientCertificates),
    captures: captureLines(http.capture),
    clientCertificate: clientCertificateLines(s.tls.clientCertificates),
    afterRouting: (proto) => [
      ...http.headerActions.request.map((a) => actionLine('request', a)),
      ...http.headerActions.response.map((a) => actionLine('response', a)),
      ...routedForwardedHeaderLines(http.forwardedHeaders, proto),
    ],
  };
}
