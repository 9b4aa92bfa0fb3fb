import { BACKEND_MAPS } from './backend-maps.ts';
import { TCP_RATE_LIMIT_LINES } from './rate-limits.ts';

/** Hash-based algorithms (source, uri, hdr, url_param, rdp-cookie) take servers added at runtime only with a consistent hash: every route backend has it. */
const HASH_TYPE_LINES = ['# Hash-based balancing can take servers added at runtime only with a consistent hash.', 'hash-type consistent'];

/**
 * What every route backend and spare of a mode has (its mode, hash type,
 * redispatch) and the lines that read each route's options from the maps
 * keyed by its backend's name: written once, in the defaults sections
 * route backends name (`backend <name> from routes_http`), rather than on
 * each backend or in each backend file. The map lines cost most there:
 * haproxy parses each line once per copy, and files every map reference
 * and inline ACL pattern of each copy in one list it walks for every
 * further map: on every backend they took `haproxy -c` at 10,000 routes
 * from about 0.8 s to 1.9 s, and one copy per backend file (512 files)
 * still cost about a quarter of it. Rules of a defaults section are
 * evaluated from that one section, so requests to all routes run the
 * same lines.
 */
const LINES = {
  http: [
    'option redispatch',
    ...HASH_TYPE_LINES,
    `http-request set-timeout server be_name,map(${BACKEND_MAPS.timeoutServer}) if { be_name,map(${BACKEND_MAPS.timeoutServer}) -m found }`,
    `http-request set-timeout tunnel be_name,map(${BACKEND_MAPS.timeoutTunnel}) if { be_name,map(${BACKEND_MAPS.timeoutTunnel}) -m found }`,
    `http-response set-header Strict-Transport-Security %[be_name,map(${BACKEND_MAPS.hsts})] if { be_name,map(${BACKEND_MAPS.hsts}) -m found }`,
  ],
  tcp: ['mode tcp', ...HASH_TYPE_LINES, ...TCP_RATE_LIMIT_LINES],
};

/**
 * The file holding them. haproxy reads `haproxy.config`, then the `*.cfg`
 * files in name order (config-files.ts): this name sorts before `be-*` and
 * `checks-*`.
 */
export const ROUTE_DEFAULTS_FILE = 'backend-defaults.cfg';

/** The defaults section a route backend of `mode` names. */
export function routeDefaultsName(mode: 'http' | 'tcp'): string {
  return `routes_${mode}`;
}

/**
 * Both sections inherit the template's `routes_base` (the settings every
 * section has). The file ends with an unnamed section of the same
 * settings: the check backends that follow use it implicitly, as haproxy
 * wants a section referenced by name not to be used implicitly as well.
 */
export const ROUTE_DEFAULTS_TEXT = [
  ...(['http', 'tcp'] as const).map((mode) => `defaults ${routeDefaultsName(mode)} from routes_base\n${LINES[mode].map((l) => `  ${l}\n`).join('')}\n`),
  'defaults from routes_base\n',
].join('');
