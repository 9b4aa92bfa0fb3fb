import { describe, expect, test } from 'bun:test';
import { DEFAULT_OPTIONS } from '../../test/support/router-options.ts';
import { ENV_ENTRIES, FLAG_ENTRIES } from './flags.ts';
import { parseOptions } from './parse-options.ts';

type Env = Record<string, string>;

/** Every variable whose openshift-router values router accepts, with each such value. */
const UPSTREAM_VALUES = [
  ...FLAG_ENTRIES.flatMap(([name, f]) => (f.env ?? []).flatMap((variable) => (f.upstream?.values ?? []).map((value) => [variable, value, name] as const))),
  ...ENV_ENTRIES.flatMap(([name, s]) => (s.upstream?.values ?? []).map((value) => [name, value, name] as const)),
];

describe("openshift-router's own values (an environment copied from its deployment)", () => {
  test.each(UPSTREAM_VALUES)('%s=%s is accepted, goes on as without it, and is noted once', (variable, value, setting) => {
    const result = parseOptions([], { [variable]: value });
    const options: unknown = result.ok ? { ...result.options, notes: [] } : result.errors;
    expect(options).toEqual(DEFAULT_OPTIONS);
    const written = `${variable}=${value}${setting === variable ? '' : ` (${setting})`}`;
    expect(result.ok && result.options.notes).toEqual([expect.stringMatching(new RegExp(`^${RegExp.escape(written)} is accepted from openshift-router: `))]);
  });

  test.each<[string, Env]>([
    ['the image default of the Go template', { TEMPLATE_FILE: '/var/lib/haproxy/conf/haproxy-config.template' }],
    ['the image default of the reload script', { RELOAD_SCRIPT: '/var/lib/haproxy/reload-haproxy' }],
    ["the image's own 503 page", { ROUTER_ERRORFILE_503: '/var/lib/haproxy/conf/error-page-503.http' }],
    ["the image's own stats socket", { ROUTER_METRICS_HAPROXY_SCRAPE_URI: 'unix:///var/lib/haproxy/run/haproxy.sock' }],
  ])('%s', (_what, env) => {
    const result = parseOptions([], env);
    expect(result.ok && [result.options.templatePath, result.options.errorPages.page503]).toEqual([undefined, undefined]);
    expect(result.ok && result.options.notes.length).toBe(Object.keys(env).length);
  });

  test.each<[string, Env, string]>([
    ['another reload script', { RELOAD_SCRIPT: '/usr/local/bin/reload' }, '--reload (from env RELOAD_SCRIPT) is not used: router embeds its reload logic'],
    ['metrics reading another socket', { ROUTER_METRICS_HAPROXY_SCRAPE_URI: 'unix:///run/other.sock' }, 'ROUTER_METRICS_HAPROXY_SCRAPE_URI is not implemented yet (left for later, no issue planned)'],
  ])('a value that would change what router does is refused, naming the variable: %s', (_what, env, error) => {
    expect(parseOptions([], env)).toEqual({ ok: false, errors: [error] });
  });

  test('a template of router\'s own is taken, without a note', () => {
    const result = parseOptions([], { TEMPLATE_FILE: '/etc/router/haproxy.eta' });
    expect(result.ok && [result.options.templatePath, result.options.notes]).toEqual(['/etc/router/haproxy.eta', []]);
  });

  test('on the command line too', () => {
    const result = parseOptions(['--disable-compression=false'], {});
    expect(result.ok && result.options.notes).toEqual([expect.stringMatching(/^--disable-compression=false is accepted from openshift-router: /)]);
  });
});
