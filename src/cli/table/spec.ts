/**
 * The shape of one entry of the settings table: how its value is written,
 * where --help shows it, and what router does when it is given.
 */

export type ValueType =
  /** Any non-empty string. */
  | 'string'
  /** Go `strconv.ParseBool`; on the command line `--flag` alone means true. */
  | 'boolean'
  | 'int'
  /** Go `time.ParseDuration`, kept in milliseconds. */
  | 'duration'
  /** HAProxy time syntax `[1-9][0-9]*(us|ms|s|m|h|d)?`, kept in milliseconds. */
  | 'time'
  /** Comma-separated, entries trimmed, empty ones dropped; a repeated flag appends, as pflag's StringSlice does. */
  | 'list'
  | 'enum';

/** The value a setting of each type resolves to. */
export interface ValueOfType {
  string: string;
  boolean: boolean;
  int: number;
  duration: number;
  time: number;
  list: string[];
  enum: string;
}

/** The open issue that will implement a missing setting, or "later" when upstream has it and no issue plans it yet. */
export type PlannedIssue =
  /** Operations: health, stats and metrics endpoints, access logs, shutdown timing, the environment upstream deployments set. */
  | 11
  /**
   * Per-route annotations and the global haproxy settings: compression, forwarded
   * headers, PROXY protocol, error pages, mutual TLS, header capture, ...
   */
  | 13
  | 'later';

/** How an error or --help refers to the work that will implement a setting. */
export function plannedText(issue: PlannedIssue): string {
  return issue === 'later' ? 'not implemented yet (left for later, no issue planned)' : `not implemented yet (issue #${issue})`;
}

export const HELP_GROUPS = [
  'Routing sources',
  'Selection & admission',
  'haproxy',
  'TLS',
  'Stats & metrics',
  'Logging',
  'Kubernetes connection',
] as const;
export type HelpGroup = (typeof HELP_GROUPS)[number];

interface SettingBase {
  readonly type: ValueType;
  /** Written as a user would write it; parsed like user input so it cannot drift from the type. */
  readonly default?: string;
  readonly help: string;
  readonly group: HelpGroup;
  /** Allowed values of an `enum`. */
  readonly choices?: readonly string[];
  /** Inclusive bounds of an `int`; `min` also bounds a `duration` in milliseconds. */
  readonly min?: number;
  readonly max?: number;
  /** Placeholder shown in --help instead of the type name. */
  readonly metavar?: string;
  /**
   * openshift-router's own values for a setting that router does not take
   * as they are (not implemented, refused, or meaning something else here):
   * an environment copied from an openshift-router deployment carries them,
   * so they are accepted, router goes on as without the setting, and says
   * once at start what `means` says it does instead.
   */
  readonly upstream?: { readonly values: readonly string[]; readonly means: string };
}

/** What router does when the setting is given (on the command line or through the environment). */
export type Support =
  | {
      /** Accepted and ignored because it cannot change anything here; the reason shows in --help. */
      readonly ignored?: string;
      /** Accepted by the parser so the error can say why it is refused. */
      readonly rejected?: string;
      readonly issue?: never;
    }
  /** Not implemented yet: refused with the issue that will bring it (these live in not-implemented.ts). */
  | { readonly issue: PlannedIssue; readonly ignored?: never; readonly rejected?: never };

/** A command-line flag, keyed by its name (`--name`); aliases are spelled with their dashes. */
export type FlagSpec = SettingBase &
  Support & {
    readonly aliases?: readonly `-${string}`[];
    /** Fallback variables, first non-empty wins. */
    readonly env?: readonly string[];
    /**
     * The variable belongs to the user's kubectl setup rather than to router, so it
     * only counts when the routing source is not chosen explicitly with --manifests.
     */
    readonly ambientEnv?: true;
  };

/** An environment variable with no flag of its own (upstream's template and Go code read these directly), keyed by its name. */
export type EnvSpec = SettingBase & Support;

export type FlagTable = Readonly<Record<`--${string}`, FlagSpec>>;
export type EnvTable = Readonly<Record<string, EnvSpec>>;

/** The bounds of a TCP port. */
export const PORT = { type: 'int', min: 1, max: 65535 } as const;
