import { describe, expect, test } from 'bun:test';
import { DEFAULT_OPTIONS } from '../../test/support/router-options.ts';
import type { HaproxyLogOptions } from '../options.ts';
import { parseOptions } from './parse-options.ts';

type Env = Record<string, string>;

function parse(env: Env) {
  const result = parseOptions([], env);
  return result.ok ? { log: result.options.haproxyLog } : { errors: result.errors };
}

const DEFAULT_LOG = DEFAULT_OPTIONS.haproxyLog;
const log = (more: Partial<HaproxyLogOptions>) => ({ log: { ...DEFAULT_LOG, ...more } });

describe("haproxy's log settings (upstream's variables)", () => {
  test.each<[string, Env, ReturnType<typeof parse>]>([
    ["none: upstream's default level, warning, has no access logs", {}, log({})],
    ['info sends access logs to the router output', { ROUTER_LOG_LEVEL: 'info' }, log({ level: 'info', target: { kind: 'output' } })],
    ['debug too', { ROUTER_LOG_LEVEL: 'debug' }, log({ level: 'debug', target: { kind: 'output' } })],
    ['notice does not', { ROUTER_LOG_LEVEL: 'notice' }, log({ level: 'notice' })],
    [
      'a syslog address takes every level, as upstream',
      { ROUTER_SYSLOG_ADDRESS: '127.0.0.1:514', ROUTER_LOG_FACILITY: 'local3', ROUTER_LOG_MAX_LENGTH: '4096' },
      log({ target: { kind: 'syslog', address: '127.0.0.1:514' }, facility: 'local3', maxLength: 4096 }),
    ],
    ['a unix socket address', { ROUTER_SYSLOG_ADDRESS: '/dev/log' }, log({ target: { kind: 'syslog', address: '/dev/log' } })],
    ['the format as written', { ROUTER_SYSLOG_FORMAT: '"%ci %b \\"%r\\""' }, log({ format: '"%ci %b \\"%r\\""' })],
    ['options', { ROUTER_DONT_LOG_NULL: 'true', ROUTER_HTTP_IGNORE_PROBES: 'True' }, log({ dontLogNull: true, httpIgnoreProbes: true })],
    [
      'a request ID with both variables',
      { ROUTER_UNIQUE_ID_FORMAT: '"%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid"', ROUTER_UNIQUE_ID_HEADER_NAME: 'X-Request-ID' },
      log({ uniqueId: { format: '"%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid"', header: 'X-Request-ID' } }),
    ],
    ['none with only one of them, as upstream', { ROUTER_UNIQUE_ID_HEADER_NAME: 'X-Request-ID' }, log({})],
    ['a level haproxy does not know', { ROUTER_LOG_LEVEL: 'warn' }, { errors: ['ROUTER_LOG_LEVEL: invalid value "warn" (want one of emerg, alert, crit, err, warning, notice, info, debug)'] }],
    ['a length haproxy refuses', { ROUTER_LOG_MAX_LENGTH: '79' }, { errors: ['ROUTER_LOG_MAX_LENGTH: invalid value "79" (want an integer from 80 to 65535)'] }],
    ['an unknown facility', { ROUTER_LOG_FACILITY: 'local9' }, { errors: [expect.stringMatching(/^ROUTER_LOG_FACILITY: invalid value "local9"/) as unknown as string] }],
    [
      'an address that would add words to the log line',
      { ROUTER_SYSLOG_ADDRESS: '127.0.0.1:514 len 9 local0\n  stats socket /tmp/s level admin' },
      { errors: [expect.stringMatching(/^ROUTER_SYSLOG_ADDRESS: invalid value /) as unknown as string] },
    ],
    ['a format with a line break', { ROUTER_SYSLOG_FORMAT: '"%ci"\n  stats socket /tmp/s' }, { errors: ['ROUTER_SYSLOG_FORMAT must not contain line breaks or other control characters'] }],
    [
      'a request ID format with a line break',
      { ROUTER_UNIQUE_ID_FORMAT: 'a\rb', ROUTER_UNIQUE_ID_HEADER_NAME: 'X-Id' },
      { errors: ['ROUTER_UNIQUE_ID_FORMAT must not contain line breaks or other control characters'] },
    ],
    ['a header name with a space', { ROUTER_UNIQUE_ID_HEADER_NAME: 'X Id' }, { errors: ['ROUTER_UNIQUE_ID_HEADER_NAME: invalid value "X Id" (want an HTTP header name)'] }],
  ])('%s', (_what, env, want) => {
    expect(parse(env)).toEqual(want);
  });

  test('one request ID variable without the other is noted', () => {
    const result = parseOptions([], { ROUTER_UNIQUE_ID_HEADER_NAME: 'X-Request-ID' });
    expect(result.ok && result.options.notes).toEqual(['ROUTER_UNIQUE_ID_HEADER_NAME has no effect without ROUTER_UNIQUE_ID_FORMAT (as in openshift-router)']);
  });
});
