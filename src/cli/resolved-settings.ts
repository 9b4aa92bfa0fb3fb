/**
 * The settings after precedence and parsing, read by name: a name the table
 * does not have, or one whose value is never used (planned, ignored,
 * refused), is a type error, and each value comes back as its own type.
 */
import type { ReadableName, SettingName, ValueOf } from './flags.ts';

/** Where a setting's text came from, for error messages and for "was it given". */
export type Origin = { kind: 'cli'; spelled: string } | { kind: 'env'; variable: string } | { kind: 'default' };

export interface ResolvedValue {
  value: string | number | boolean | string[];
  origin: Origin;
}

export class ResolvedSettings {
  /**
   * @param notes what the operator should hear once at start about settings
   *   accepted without effect (openshift-router's values, ignored settings)
   */
  constructor(
    private readonly values: ReadonlyMap<SettingName, ResolvedValue>,
    readonly notes: readonly string[] = [],
  ) {}

  /** Set on the command line or through the environment, rather than defaulted. */
  given(name: ReadableName): boolean {
    const origin = this.values.get(name)?.origin.kind;
    return origin === 'cli' || origin === 'env';
  }

  /** Set on the command line itself, where every user of the host can read it. */
  onCommandLine(name: ReadableName): boolean {
    return this.values.get(name)?.origin.kind === 'cli';
  }

  /** The value, or `undefined` when the setting is unset (no default) or its text did not parse. */
  get<Name extends ReadableName>(name: Name): ValueOf<Name> | undefined {
    // The resolver parsed this value by the type its table entry declares.
    return this.values.get(name)?.value as ValueOf<Name> | undefined;
  }

  /** The value of a setting with a default; only called once every setting parsed. */
  value<Name extends ReadableName>(name: Name): ValueOf<Name> {
    const value = this.get(name);
    if (value === undefined) throw new Error(`internal error: ${name} has no value; check its default in src/cli/table/`);
    return value;
  }
}
