/**
 * `router --help`, generated from the tables so it cannot drift from what the
 * parser accepts.
 */
import { COMMAND_ENTRIES, ROUTER_DESCRIPTION } from './commands.ts';
import { ENV_ENTRIES, FLAG_ENTRIES } from './flags.ts';
import { HELP_GROUPS, plannedText, type EnvSpec, type FlagSpec, type Support, type ValueType } from './table/spec.ts';

const INDENT = '  ';
const DETAIL_INDENT = '        ';

const TYPE_PLACEHOLDER: Readonly<Record<Exclude<ValueType, 'boolean' | 'enum'>, string>> = {
  string: 'string',
  int: 'int',
  duration: 'duration',
  time: 'time',
  list: 'strings',
};

const USAGE: readonly (readonly [string, string])[] = [
  ...COMMAND_ENTRIES.map(([, command]) => [command.usage, command.description] as const),
  ['router --help | --version', ''],
];
const USAGE_WIDTH = Math.max(...USAGE.map(([usage]) => usage.length));

const HEADER = `router: ${ROUTER_DESCRIPTION}

Usage:
${USAGE.map(([usage, description]) => `${INDENT}${usage.padEnd(USAGE_WIDTH)}  ${description}`.trimEnd()).join('\n')}

The flags below are those of run, render and check. They accept
--flag=value and --flag value; booleans are --flag or --flag=false.
Precedence: command line, then environment, then default. Durations use Go syntax (300ms, 1m30s);
"time" values use HAProxy syntax (5s, 5000ms, 1h). Settings marked "not
implemented yet" are accepted by openshift-router; giving one (even through
its environment variable) is an error until the issue named beside it lands
("left for later" ones have no issue yet), except with the openshift-router
value named beside it, which an environment copied from its deployment
carries: that is accepted and noted at start.`;

/** The full --help text: every flag and environment variable, grouped, with env fallbacks, defaults and status. */
export function helpText(): string {
  const sections = HELP_GROUPS.map((group) => {
    const flags = FLAG_ENTRIES.filter(([, flag]) => flag.group === group).flatMap(([name, flag]) => describeFlag(name, flag));
    const vars = ENV_ENTRIES.filter(([, setting]) => setting.group === group).flatMap(([name, setting]) => describeEnvSetting(name, setting));
    const envPart = vars.length > 0 ? ['', `${INDENT}Environment variables:`, ...vars] : [];
    return [`${group}:`, ...flags, ...envPart].join('\n');
  });
  return [HEADER, ...sections].join('\n\n') + '\n';
}

function describeFlag(name: string, flag: FlagSpec): string[] {
  const aliases = flag.aliases ?? [];
  const shorts = aliases.filter((alias) => !alias.startsWith('--'));
  const longs = aliases.filter((alias) => alias.startsWith('--'));
  const spellings = [...shorts, name, ...longs].join(', ');
  const placeholder = placeholderOf(flag);
  const facts = [flag.env?.length ? `env ${flag.env.join(', ')}` : undefined, ...commonFacts(flag)];
  return [`${INDENT}${spellings}${placeholder ? ` ${placeholder}` : ''}`, ...details(flag.help, facts)];
}

function describeEnvSetting(name: string, setting: EnvSpec): string[] {
  return [`${INDENT}${name}=${placeholderOf(setting) ?? 'bool'}`, ...details(setting.help, commonFacts(setting))];
}

function placeholderOf(spec: FlagSpec | EnvSpec): string | undefined {
  if (spec.metavar) return spec.metavar;
  if (spec.type === 'boolean') return undefined;
  if (spec.type === 'enum') return spec.choices?.join('|');
  return TYPE_PLACEHOLDER[spec.type];
}

function commonFacts(spec: FlagSpec | EnvSpec): (string | undefined)[] {
  const upstream = spec.upstream && `openshift-router's ${spec.upstream.values.join(' or ')} accepted: ${spec.upstream.means}`;
  return [spec.default === undefined ? undefined : `default ${spec.default}`, statusOf(spec), upstream];
}

function statusOf(support: Support): string | undefined {
  if (support.issue !== undefined) return plannedText(support.issue);
  if (support.ignored !== undefined) return `accepted and ignored: ${support.ignored}`;
  if (support.rejected !== undefined) return `refused: ${support.rejected}`;
  return undefined;
}

function details(help: string, facts: readonly (string | undefined)[]): string[] {
  const known = facts.filter((fact) => fact !== undefined);
  return [`${DETAIL_INDENT}${help}`, ...(known.length > 0 ? [`${DETAIL_INDENT}${known.join('; ')}`] : [])];
}
