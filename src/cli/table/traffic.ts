/**
 * What every route's traffic goes through alike: the public binds' address
 * families and PROXY protocol, forwarded headers, compression, header
 * captures and actions, error pages, client certificates (upstream's global
 * template variables and their flags).
 */
import { IP_MODES, LOAD_BALANCE_ALGORITHMS } from '../../options.ts';
import { CLIENT_VERIFY_MODES, FORWARDED_HEADER_POLICIES } from '../../traffic-options.ts';
import type { EnvTable, FlagTable } from './spec.ts';

export const TRAFFIC_FLAGS = {
  '--capture-http-request-headers': {
    type: 'string',
    metavar: 'NAME:LEN,...',
    env: ['ROUTER_CAPTURE_HTTP_REQUEST_HEADERS'],
    group: 'haproxy',
    help: 'Request headers captured into the access log (their first LEN bytes).',
  },
  '--capture-http-response-headers': {
    type: 'string',
    metavar: 'NAME:LEN,...',
    env: ['ROUTER_CAPTURE_HTTP_RESPONSE_HEADERS'],
    group: 'haproxy',
    help: 'Response headers captured into the access log (their first LEN bytes).',
  },
  '--capture-http-cookie': {
    type: 'string',
    metavar: 'NAME[=]:LEN',
    env: ['ROUTER_CAPTURE_HTTP_COOKIE'],
    group: 'haproxy',
    help: 'Cookie captured into the access log: the first whose name starts with NAME (NAME=:LEN: is exactly NAME).',
  },
  '--http-header-name-case-adjustments': {
    type: 'string',
    metavar: 'NAME,...',
    env: ['ROUTER_H1_CASE_ADJUST'],
    group: 'haproxy',
    help: 'Header names written with this case to HTTP/1 clients (and to pods of routes with the h1-adjust-case annotation).',
  },
  '--set-delete-http-request-header': {
    type: 'string',
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    env: ['ROUTER_HTTP_REQUEST_HEADERS'],
    group: 'haproxy',
    help: 'Request headers set or deleted on every route (parts URL-encoded; values may sample %[req.hdr(NAME)] or %[ssl_c_der]).',
  },
  '--set-delete-http-response-header': {
    type: 'string',
    metavar: 'NAME:VALUE:Set|NAME:Delete,...',
    env: ['ROUTER_HTTP_RESPONSE_HEADERS'],
    group: 'haproxy',
    help: 'Response headers set or deleted on every route (parts URL-encoded; values may sample %[res.hdr(NAME)] or %[ssl_c_der]).',
  },
} as const satisfies FlagTable;

const flag = (help: string) => ({ type: 'boolean', default: 'false', group: 'haproxy', help }) as const;

export const TRAFFIC_ENV = {
  ROUTER_USE_PROXY_PROTOCOL: flag('Both public ports take a PROXY protocol header (v1 or v2) from a load balancer in front, and the readiness probe sends one.'),
  ROUTER_IP_V4_V6_MODE: {
    type: 'enum',
    choices: IP_MODES,
    default: 'v4',
    group: 'haproxy',
    help: 'Address families the public ports (and haproxy\'s stats page) listen on when --bind-address names none.',
  },
  ROUTER_SET_FORWARDED_HEADERS: {
    type: 'enum',
    choices: FORWARDED_HEADER_POLICIES,
    default: 'append',
    group: 'haproxy',
    help: 'X-Forwarded-For, -Host, -Port, -Proto, -Proto-Version and Forwarded: added to what clients sent, replacing it, only where they sent none, or never.',
  },
  ROUTER_ENABLE_COMPRESSION: flag('gzip responses of the ROUTER_COMPRESSION_MIME types for clients that accept it.'),
  ROUTER_COMPRESSION_MIME: {
    type: 'string',
    metavar: 'TYPE ...',
    default: 'text/html text/plain text/css',
    group: 'haproxy',
    help: 'Space-separated MIME types compressed with ROUTER_ENABLE_COMPRESSION.',
  },
  ROUTER_IDLE_CLOSE_ON_RESPONSE: {
    type: 'boolean',
    group: 'haproxy',
    help: 'option idle-close-on-response in the HTTP frontends.',
    ignored: 'router always closes idle connections on a response, so that a reload does not cut keep-alive clients off with read errors',
  },
  ROUTER_HAPROXY_CONTSTATS: flag('option contstats: traffic counters of long connections grow while they last.'),
  ROUTER_ABORT_ON_CLOSE: flag('option abortonclose: a queued request whose client left is not sent on to its pod.'),
  ROUTER_TCP_BALANCE_SCHEME: {
    type: 'enum',
    choices: LOAD_BALANCE_ALGORITHMS,
    group: 'haproxy',
    help: 'balance of passthrough backends with at most one active service (default: ROUTER_LOAD_BALANCE_ALGORITHM when given, else source).',
  },
  ROUTER_BACKEND_PROCESS_ENDPOINTS: {
    type: 'enum',
    choices: ['shuffle'],
    group: 'haproxy',
    help: 'shuffle: each backend\'s servers in an order of this router\'s own (drawn at start), not upstream\'s.',
  },
  ROUTER_ERRORFILE_503: {
    type: 'string',
    metavar: 'PATH',
    group: 'haproxy',
    help: 'A whole HTTP response (status line, headers, body) sent when no pod can serve; read at start.',
    upstream: { values: ['/var/lib/haproxy/conf/error-page-503.http'], means: "that is its image's own page; router serves its own" },
  },
  ROUTER_ERRORFILE_404: {
    type: 'string',
    metavar: 'PATH',
    group: 'haproxy',
    help: 'A whole HTTP response for requests no route serves, which then get 404 instead of the 503 page; read at start.',
  },
  ROUTER_CURVES: { type: 'string', metavar: 'CURVE:...', group: 'TLS', help: 'ssl-default-bind-curves: TLS groups the binds offer, in order (default: OpenSSL\'s).' },
  ROUTER_MUTUAL_TLS_AUTH: {
    type: 'enum',
    choices: CLIENT_VERIFY_MODES,
    default: 'none',
    group: 'TLS',
    help: 'Client certificates on edge and reencrypt routes: none, optional (verified when sent) or required; pods get them in X-SSL-Client-* headers.',
  },
  ROUTER_MUTUAL_TLS_AUTH_CA: { type: 'string', metavar: 'PATH', group: 'TLS', help: 'PEM bundle of the CAs client certificates must chain to (required with ROUTER_MUTUAL_TLS_AUTH); read at start.' },
  ROUTER_MUTUAL_TLS_AUTH_CRL: { type: 'string', metavar: 'PATH', group: 'TLS', help: 'PEM CRLs checked for client certificates; read at start.' },
  ROUTER_MUTUAL_TLS_AUTH_FILTER: {
    type: 'string',
    metavar: 'REGEX',
    group: 'TLS',
    help: 'Requests whose client certificate subject (e.g. /CN=app/O=Org) does not match this regular expression are denied (403).',
  },
  ROUTER_MUTUAL_TLS_HEADER_FILTER: {
    type: 'boolean',
    default: 'true',
    group: 'TLS',
    help: 'Remove X-SSL* headers clients send (false passes them on, e.g. from a TLS proxy in front; with ROUTER_MUTUAL_TLS_AUTH the router\'s own replace them).',
  },
} as const satisfies EnvTable;
