/** router's own log output, haproxy's log (access logs), and the klog flags openshift-router command lines carry. */
import { LOG_LEVEL_NAMES, type LogFormat } from '../../log.ts';
import { SYSLOG_FACILITIES, SYSLOG_LEVELS } from '../../options.ts';
import type { EnvTable, FlagTable } from './spec.ts';

export const LOG_FORMATS = ['pretty', 'json'] as const satisfies readonly LogFormat[];

export const LOGGING_FLAGS = {
  '--log-format': {
    type: 'enum',
    choices: LOG_FORMATS,
    env: ['ROUTER_LOG_FORMAT'],
    default: 'pretty',
    group: 'Logging',
    help: 'Log line format of router itself and of the access logs it relays.',
  },
  '--loglevel': {
    type: 'enum',
    choices: LOG_LEVEL_NAMES,
    // Not ROUTER_LOG_LEVEL: upstream uses that for the haproxy syslog level.
    env: ['ROUTER_LOGLEVEL'],
    default: 'info',
    group: 'Logging',
    help: 'Log level of router itself; when not given, --v decides.',
  },
  '--v': {
    aliases: ['-v'],
    type: 'int',
    min: 0,
    default: '0',
    group: 'Logging',
    help: 'klog verbosity, for openshift-router command lines: 0-2 = info, 3-4 = debug, 5+ = trace.',
  },
  '--logtostderr': {
    type: 'boolean',
    default: 'true',
    group: 'Logging',
    help: 'klog output selection.',
    ignored: 'router always logs to stdout and stderr',
  },
} as const satisfies FlagTable;

export const LOGGING_ENV = {
  ROUTER_LOG_LEVEL: {
    type: 'enum',
    choices: SYSLOG_LEVELS,
    default: 'warning',
    group: 'Logging',
    help: "haproxy's log level; access logs are info, so info turns them on (router's own level is ROUTER_LOGLEVEL).",
  },
  ROUTER_SYSLOG_ADDRESS: {
    type: 'string',
    metavar: 'ADDRESS',
    group: 'Logging',
    help: "Syslog target of haproxy's log (host:port, /dev/log, ...), as upstream; unset: router's own output.",
  },
  ROUTER_LOG_FACILITY: { type: 'enum', choices: SYSLOG_FACILITIES, default: 'local1', group: 'Logging', help: 'Syslog facility of haproxy\'s log.' },
  ROUTER_LOG_MAX_LENGTH: { type: 'int', min: 80, max: 65535, default: '1024', group: 'Logging', help: 'Longest haproxy log line; longer ones are truncated.' },
  ROUTER_SYSLOG_FORMAT: {
    type: 'string',
    metavar: 'LOG-FORMAT',
    group: 'Logging',
    help: 'log-format of access logs, one haproxy word (quoted, as the ingress operator writes it); default: httplog.',
  },
  ROUTER_DONT_LOG_NULL: { type: 'boolean', default: 'false', group: 'Logging', help: 'option dontlognull: do not log connections that sent nothing.' },
  ROUTER_HTTP_IGNORE_PROBES: {
    type: 'boolean',
    default: 'false',
    group: 'Logging',
    help: 'option http-ignore-probes: neither log nor count connections that sent no request.',
  },
  ROUTER_UNIQUE_ID_FORMAT: {
    type: 'string',
    metavar: 'LOG-FORMAT',
    group: 'Logging',
    help: 'unique-id-format of a request ID (with ROUTER_UNIQUE_ID_HEADER_NAME), one haproxy word.',
  },
  ROUTER_UNIQUE_ID_HEADER_NAME: { type: 'string', metavar: 'NAME', group: 'Logging', help: 'unique-id-header: request header carrying the request ID.' },
} as const satisfies EnvTable;
