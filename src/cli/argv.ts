/** Splits argv into flag occurrences the way pflag does; anything else is an error. */
import { FLAG_ENTRIES, FLAGS, type FlagName } from './flags.ts';
import type { Occurrence } from './resolve.ts';

const FLAG_BY_SPELLING: ReadonlyMap<string, FlagName> = new Map(
  FLAG_ENTRIES.flatMap(([name, flag]) => [name, ...(flag.aliases ?? [])].map((spelling) => [spelling, name] as const)),
);

export function readArgv(argv: readonly string[]): { given: Map<FlagName, Occurrence[]>; errors: string[] } {
  const given = new Map<FlagName, Occurrence[]>();
  const errors: string[] = [];
  let index = 0;
  const next = (): string | undefined => argv[index++];
  for (let arg = next(); arg !== undefined; arg = next()) {
    if (arg === '--') {
      for (let rest = next(); rest !== undefined; rest = next()) errors.push(unexpectedArgument(rest));
      break;
    }
    const token = splitFlag(arg);
    if (!token) {
      errors.push(unexpectedArgument(arg));
      continue;
    }
    const name = FLAG_BY_SPELLING.get(token.spelled);
    if (!name) {
      errors.push(`unknown flag ${token.spelled}`);
      continue;
    }
    // As in pflag, a boolean never takes the next argument: `--strict-sni false` leaves "false" positional.
    const raw = token.inline ?? (FLAGS[name].type === 'boolean' ? 'true' : next());
    if (raw === undefined) {
      errors.push(`flag needs an argument: ${token.spelled}`);
      continue;
    }
    given.set(name, [...(given.get(name) ?? []), { spelled: token.spelled, raw }]);
  }
  return { given, errors };
}

/** `--name[=value]`, `-n[=]value`; `undefined` for a positional argument. */
function splitFlag(arg: string): { spelled: string; inline: string | undefined } | undefined {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq < 0 ? { spelled: arg, inline: undefined } : { spelled: arg.slice(0, eq), inline: arg.slice(eq + 1) };
  }
  if (arg.startsWith('-') && arg.length > 1) {
    const tail = arg.slice(2);
    return { spelled: arg.slice(0, 2), inline: tail === '' ? undefined : tail.replace(/^=/, '') };
  }
  return undefined;
}

function unexpectedArgument(arg: string): string {
  return `unexpected argument "${arg}": router takes flags only`;
}
