/**
 * What each command does with the arguments after its name. Commands that take
 * router's flags hand them to the strict parser (parse-options.ts) here, so
 * flag semantics are the same whichever command reads them.
 */
import type { RouterOptions } from '../options.ts';
import type { CommandName } from './commands.ts';
import { parseOptions } from './parse-options.ts';
import type { Env } from './resolve.ts';

/** What the commands need from their surroundings. */
export interface CliDeps {
  /** Runs the router; resolves to the process exit code. */
  run(options: RouterOptions): Promise<number>;
  /** Writes what the router would serve into `outDir` (a dry run); resolves to the exit code. */
  render(options: RouterOptions, outDir: string): Promise<number>;
  /** Checks what the router would serve; resolves to the exit code. */
  check(options: RouterOptions): Promise<number>;
  version: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Usage errors exit with 2, like pflag-based commands. */
export const USAGE_EXIT_CODE = 2;

/** A command's work on its arguments, resolving to the exit code. */
export type Action = (args: readonly string[]) => Promise<number>;

export function commandActions(env: Env, deps: CliDeps): Readonly<Record<CommandName, Action>> {
  return {
    run: (args) => withOptions(args, env, deps, deps.run),
    render(args) {
      const out = takeOut(args);
      if (out.error !== undefined) return usageError([out.error], deps);
      return withOptions(out.rest, env, deps, (options) => deps.render(options, out.dir));
    },
    check: (args) => withOptions(args, env, deps, deps.check),
    // Only ever called alone (commands.ts), so there are no arguments to check.
    version: async () => {
      deps.stdout(`router ${deps.version}\n`);
      return 0;
    },
  };
}

/**
 * Parses the flags and environment and hands the options on, or reports every
 * usage error. Every command that takes router's flags goes through here
 * with its own `use`.
 */
async function withOptions(args: readonly string[], env: Env, deps: CliDeps, use: (options: RouterOptions) => Promise<number>): Promise<number> {
  const parsed = parseOptions(args, env);
  return parsed.ok ? use(parsed.options) : usageError(parsed.errors, deps);
}

async function usageError(errors: readonly string[], deps: CliDeps): Promise<number> {
  for (const error of errors) deps.stderr(`router: ${error}\n`);
  deps.stderr("Run 'router --help' for usage.\n");
  return USAGE_EXIT_CODE;
}

/**
 * `render`'s own flag, `--out DIR` (or `--out=DIR`), taken out before the
 * rest goes to the parser that every command shares. Not before `--`.
 */
export function takeOut(args: readonly string[]): { dir: string; rest: string[]; error?: never } | { error: string } {
  const end = args.indexOf('--');
  const flags = end < 0 ? [...args] : args.slice(0, end);
  const tail = end < 0 ? [] : args.slice(end);
  const isOut = (arg: string) => arg === '--out' || arg.startsWith('--out=');
  const at = flags.findIndex(isOut);
  if (at < 0) return { error: 'render needs --out DIR' };
  const inline = flags[at]?.startsWith('--out=') ?? false;
  const dir = inline ? flags[at]?.slice('--out='.length) : flags[at + 1];
  if (!dir || (!inline && dir.startsWith('-'))) return { error: 'flag needs an argument: --out' };
  flags.splice(at, inline ? 1 : 2);
  if (flags.some(isOut)) return { error: '--out is given more than once' };
  return { dir, rest: [...flags, ...tail] };
}
