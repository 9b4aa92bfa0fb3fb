import { BACKEND_MAPS } from './backend-maps.ts';
import { TCP_RATE_LIMIT_LINES } from './rate-limits.ts';

/**
 * The lines that read each route's options from the maps keyed by its
 * backend's name, for every route backend and spare: written once per
 * backend file, in a defaults section the file's backends use (haproxy's
 * implicit `defaults`), rather than on each backend. haproxy parses each
 * line once per copy: on every backend, they took `haproxy -c` at 10,000
 * routes from about 0.8 s to 1.9 s. The sections inherit the template's
 * `routes_base` (the settings every section has), and are named so that
 * they may carry rules; nothing refers to them by name.
 */
const LINES = {
  http: [
    `http-request set-timeout server be_name,map(${BACKEND_MAPS.timeoutServer}) if { be_name,map(${BACKEND_MAPS.timeoutServer}) -m found }`,
    `http-request set-timeout tunnel be_name,map(${BACKEND_MAPS.timeoutTunnel}) if { be_name,map(${BACKEND_MAPS.timeoutTunnel}) -m found }`,
    `http-response set-header Strict-Transport-Security %[be_name,map(${BACKEND_MAPS.hsts})] if { be_name,map(${BACKEND_MAPS.hsts}) -m found }`,
  ],
  tcp: ['mode tcp', ...TCP_RATE_LIMIT_LINES],
};

/** `be-07.cfg` -> `07`. */
const suffix = (file: string) => file.replace(/^[a-z]+-/, '').replace(/\.cfg$/, '');

/** The defaults section of a backend file's HTTP or passthrough backends. */
export function routeDefaultsText(file: string, mode: 'http' | 'tcp'): string {
  return `defaults routes_${mode}_${suffix(file)} from routes_base\n${LINES[mode].map((l) => `  ${l}\n`).join('')}`;
}

/** The defaults section of a check backend file: no rules, so the check backends carry none. */
export function checkDefaultsText(file: string): string {
  return `defaults checks_${suffix(file)} from routes_base\n\n`;
}
