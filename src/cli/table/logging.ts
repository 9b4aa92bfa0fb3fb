/** router's own log output, and the klog flags openshift-router command lines carry. */
import { LOG_LEVEL_NAMES, type LogFormat } from '../../log.ts';
import type { FlagTable } from './spec.ts';

export const LOG_FORMATS = ['pretty', 'json'] as const satisfies readonly LogFormat[];

export const LOGGING_FLAGS = {
  '--log-format': {
    type: 'enum',
    choices: LOG_FORMATS,
    env: ['ROUTER_LOG_FORMAT'],
    default: 'pretty',
    group: 'Logging',
    help: 'Log line format of router itself.',
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
