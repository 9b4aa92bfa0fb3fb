/**
 * Reads argv into flag occurrences with pflag's rules, which openshift-router
 * command lines are written for. The tokens come from node:util's parseArgs,
 * with its options generated from the flag table: citty's parseArgs wraps
 * that same parser but loses what these rules need (it adds camelCase and
 * --no- spellings, reads --flag=yes as true and a missing value as "", and
 * keeps only the last of a repeated list flag), so the tokens are read here.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { FLAG_ENTRIES, FLAGS, type FlagName } from './flags.ts';
import type { Occurrence } from './resolve.ts';

/** Every spelling (`--server`, `--master`, `-s`) to the flag it names. */
const FLAG_BY_SPELLING: ReadonlyMap<string, FlagName> = new Map(
  FLAG_ENTRIES.flatMap(([name, flag]) => [name, ...(flag.aliases ?? [])].map((spelling) => [spelling, name] as const)),
);

/** parseArgs' view of the table: which spellings take a value (a boolean never takes the next argument). */
const PARSE_OPTIONS: ParseArgsOptionsConfig = Object.fromEntries(
  FLAG_ENTRIES.flatMap(([name, flag]) => {
    const type = flag.type === 'boolean' ? 'boolean' : 'string';
    const aliases = flag.aliases ?? [];
    const short = aliases.find((alias) => !alias.startsWith('--'))?.slice(1);
    const longs = [name, ...aliases.filter((alias) => alias.startsWith('--'))];
    return longs.map((long) => [long.slice(2), long === name && short ? { type, short } : { type }] as const);
  }),
);

export function readArgv(argv: readonly string[]): { given: Map<FlagName, Occurrence[]>; errors: string[] } {
  const given = new Map<FlagName, Occurrence[]>();
  const errors: string[] = [];
  const { tokens } = parseArgs({ args: [...argv], options: PARSE_OPTIONS, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === 'positional') errors.push(`unexpected argument "${token.value}": router takes flags only`);
    if (token.kind !== 'option') continue;
    const name = FLAG_BY_SPELLING.get(token.rawName);
    if (!name) {
      errors.push(`unknown flag ${token.rawName}`);
      continue;
    }
    const raw = token.value ?? (FLAGS[name].type === 'boolean' ? 'true' : undefined);
    if (raw === undefined) {
      errors.push(`flag needs an argument: ${token.rawName}`);
      continue;
    }
    // pflag reads `-n=apps` as `-n apps`.
    const value = token.inlineValue && !token.rawName.startsWith('--') ? raw.replace(/^=/, '') : raw;
    given.set(name, [...(given.get(name) ?? []), { spelled: token.rawName, raw: value }]);
  }
  return { given, errors };
}
