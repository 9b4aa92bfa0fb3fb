/**
 * The whole configuration surface of `router`: every flag openshift-router
 * accepts (so its deployments can be pointed at router unchanged, or get a
 * precise error), our own flags, and the environment variables upstream reads
 * directly. Each group's entries live in table/, the ones still missing in
 * not-implemented.ts; the parser and --help read only what is assembled here,
 * keyed by name, so a misspelt name is a type error.
 */
import { NOT_IMPLEMENTED_ENV, NOT_IMPLEMENTED_FLAGS } from './not-implemented.ts';
import { HAPROXY_ENV, HAPROXY_FLAGS } from './table/haproxy.ts';
import { KUBERNETES_FLAGS } from './table/kubernetes.ts';
import { LOGGING_ENV, LOGGING_FLAGS } from './table/logging.ts';
import { ROUTING_ENV, ROUTING_FLAGS } from './table/routing.ts';
import { STATS_ENV, STATS_FLAGS } from './table/stats.ts';
import type { EnvSpec, EnvTable, FlagSpec, FlagTable, PlannedIssue, ValueOfType } from './table/spec.ts';
import { TLS_ENV, TLS_FLAGS } from './table/tls.ts';
import { TRAFFIC_ENV, TRAFFIC_FLAGS } from './table/traffic.ts';

/** Every flag, in --help order within each group. */
export const FLAGS = {
  ...ROUTING_FLAGS,
  ...HAPROXY_FLAGS,
  ...TRAFFIC_FLAGS,
  ...TLS_FLAGS,
  ...STATS_FLAGS,
  ...LOGGING_FLAGS,
  ...KUBERNETES_FLAGS,
  ...NOT_IMPLEMENTED_FLAGS,
} as const satisfies FlagTable;

/** Every environment variable read without a flag, implemented or not. */
export const ENV_SETTINGS = { ...ROUTING_ENV, ...HAPROXY_ENV, ...TRAFFIC_ENV, ...TLS_ENV, ...STATS_ENV, ...LOGGING_ENV, ...NOT_IMPLEMENTED_ENV } as const satisfies EnvTable;

export type FlagName = keyof typeof FLAGS;
export type EnvName = keyof typeof ENV_SETTINGS;
export type SettingName = FlagName | EnvName;

type SpecOf<Name extends SettingName> = Name extends FlagName
  ? (typeof FLAGS)[Name]
  : Name extends EnvName
    ? (typeof ENV_SETTINGS)[Name]
    : never;

/** The settings options are built from: implemented, and neither ignored nor refused. */
export type ReadableName = {
  [Name in SettingName]: SpecOf<Name> extends { issue: PlannedIssue } | { ignored: string } | { rejected: string } ? never : Name;
}[SettingName];

/** What a setting resolves to: an enum's own choices, else its type's value. */
export type ValueOf<Name extends SettingName> =
  SpecOf<Name> extends { type: 'enum'; choices: readonly (infer Choice)[] } ? Choice : ValueOfType[SpecOf<Name>['type']];

/** The tables as entries, for code that walks all of them (keys as their names, not as `string`). */
export const FLAG_ENTRIES = Object.entries(FLAGS) as [FlagName, FlagSpec][];
export const ENV_ENTRIES = Object.entries(ENV_SETTINGS) as [EnvName, EnvSpec][];
