/**
 * Picks each setting's text by precedence (command line, then environment,
 * then default), applies what the table says router does with it, and parses
 * it by its type. Every problem is collected rather than thrown.
 */
import { ENV_ENTRIES, FLAG_ENTRIES, FLAGS, type FlagName, type SettingName } from './flags.ts';
import { ResolvedSettings, type Origin, type ResolvedValue } from './resolved-settings.ts';
import { plannedText, type EnvSpec, type FlagSpec } from './table/spec.ts';
import { parseGoBool, parseGoDuration, parseHaproxyTime, parseInteger, type Parsed } from './values.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** One flag as written on the command line. */
export interface Occurrence {
  spelled: string;
  raw: string;
}

interface RawSetting {
  raw: string;
  origin: Origin;
}

type Value = ResolvedValue['value'];

export function resolveSettings(given: ReadonlyMap<FlagName, readonly Occurrence[]>, env: Env): { settings: ResolvedSettings; errors: string[] } {
  const errors: string[] = [];
  const notes: string[] = [];
  const values = new Map<SettingName, ResolvedValue>();
  const keep = (name: SettingName, spec: FlagSpec | EnvSpec, written: RawSetting | undefined) => {
    const raw = written && upstreamValue(name, spec, written, notes);
    const value = raw && evaluate(name, spec, raw, errors, notes);
    if (raw && value !== undefined) values.set(name, { value, origin: raw.origin });
  };
  const ambientAllowed = !manifestsChosen(given, env);
  for (const [name, flag] of FLAG_ENTRIES) keep(name, flag, rawFlag(flag, given.get(name) ?? [], env, ambientAllowed));
  for (const [name, setting] of ENV_ENTRIES) keep(name, setting, firstNonEmpty([name], env) ?? withDefault(setting));
  return { settings: new ResolvedSettings(values, notes), errors };
}

/**
 * A value openshift-router deployments carry that router does not take as
 * it is (spec.upstream) stands for the setting's default here, with a note;
 * any other value is evaluated as written.
 */
function upstreamValue(name: SettingName, spec: FlagSpec | EnvSpec, raw: RawSetting, notes: string[]): RawSetting | undefined {
  if (raw.origin.kind === 'default' || !spec.upstream?.values.some((value) => sameValue(spec, value, raw.raw))) return raw;
  const written = raw.origin.kind === 'env' ? `${raw.origin.variable}=${raw.raw}${raw.origin.variable === name ? '' : ` (${name})`}` : `${describeOrigin(name, raw.origin)}=${raw.raw}`;
  notes.push(`${written} is accepted from openshift-router: ${spec.upstream.means}`);
  return withDefault(spec);
}

/** Equal as the setting reads them (`True` and `true`, `1s` and `1000ms`). */
function sameValue(spec: FlagSpec | EnvSpec, a: string, b: string): boolean {
  const [pa, pb] = [parseSetting(spec, a), parseSetting(spec, b)];
  return pa.ok && pb.ok ? JSON.stringify(pa.value) === JSON.stringify(pb.value) : a === b;
}

/** An explicit --manifests (flag or env) makes the user's ambient kubectl variables irrelevant. */
function manifestsChosen(given: ReadonlyMap<FlagName, readonly Occurrence[]>, env: Env): boolean {
  return given.has('--manifests') || firstNonEmpty(FLAGS['--manifests'].env, env) !== undefined;
}

function rawFlag(flag: FlagSpec, occurrences: readonly Occurrence[], env: Env, ambientAllowed: boolean): RawSetting | undefined {
  const last = occurrences.at(-1);
  if (last) {
    const raw = flag.type === 'list' ? occurrences.map((o) => o.raw).join(',') : last.raw;
    return { raw, origin: { kind: 'cli', spelled: last.spelled } };
  }
  const fromEnv = flag.ambientEnv && !ambientAllowed ? undefined : firstNonEmpty(flag.env ?? [], env);
  return fromEnv ?? withDefault(flag);
}

function firstNonEmpty(names: readonly string[], env: Env): RawSetting | undefined {
  for (const variable of names) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') return { raw, origin: { kind: 'env', variable } };
  }
  return undefined;
}

function withDefault(spec: FlagSpec | EnvSpec): RawSetting | undefined {
  return spec.default === undefined ? undefined : { raw: spec.default, origin: { kind: 'default' } };
}

/** Applies the setting's support status; the value, or `undefined` when refused, ignored or invalid. */
function evaluate(name: SettingName, spec: FlagSpec | EnvSpec, raw: RawSetting, errors: string[], notes: string[]): Value | undefined {
  const given = raw.origin.kind !== 'default';
  const subject = describeOrigin(name, raw.origin);
  if (spec.issue !== undefined) {
    if (given) errors.push(`${subject} is ${plannedText(spec.issue)}${ambientHint(spec, raw.origin)}`);
    return undefined;
  }
  if (spec.rejected !== undefined) {
    if (given) errors.push(`${subject} is not used: ${spec.rejected}`);
    return undefined;
  }
  const parsed = parseSetting(spec, raw.raw);
  if (!parsed.ok) {
    errors.push(`${subject}: ${parsed.error}`);
    return undefined;
  }
  if (spec.ignored === undefined) return parsed.value;
  if (given) notes.push(`${subject} is ignored: ${spec.ignored}`);
  return undefined;
}

/** A kubeconfig in the user's shell should not leave them guessing how to run router without one. */
function ambientHint(spec: FlagSpec | EnvSpec, origin: Origin): string {
  return 'ambientEnv' in spec && origin.kind === 'env' ? '; pass --manifests DIR to serve manifests instead' : '';
}

function describeOrigin(name: string, origin: Origin): string {
  switch (origin.kind) {
    case 'cli':
      return origin.spelled;
    case 'env':
      return origin.variable === name ? name : `${name} (from env ${origin.variable})`;
    case 'default':
      return `${name} (default)`;
  }
}

function parseSetting(spec: FlagSpec | EnvSpec, raw: string): Parsed<Value> {
  switch (spec.type) {
    case 'string':
      return raw === '' ? { ok: false, error: 'must not be empty' } : { ok: true, value: raw };
    case 'boolean':
      return parseGoBool(raw);
    case 'int':
      return parseInteger(raw, spec.min, spec.max);
    case 'duration':
      return atLeast(parseGoDuration(raw), spec.min, raw);
    case 'time':
      return parseHaproxyTime(raw);
    case 'list':
      return { ok: true, value: raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '') };
    case 'enum':
      return spec.choices?.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, error: `invalid value "${raw}" (want one of ${spec.choices?.join(', ')})` };
  }
}

function atLeast(parsed: Parsed<number>, minMs: number | undefined, raw: string): Parsed<number> {
  if (!parsed.ok || minMs === undefined || parsed.value >= minMs) return parsed;
  return { ok: false, error: `invalid duration "${raw}" (want at least ${minMs}ms)` };
}
