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
    // Only ever called alone (commands.ts), so there are no arguments to check.
    version: async () => {
      deps.stdout(`router ${deps.version}\n`);
      return 0;
    },
  };
}

/**
 * Parses the flags and environment and hands the options on, or reports every
 * usage error. Commands that take router's flags (issue #11's `render` and
 * `check`) go through here with their own `use`.
 */
async function withOptions(args: readonly string[], env: Env, deps: CliDeps, use: (options: RouterOptions) => Promise<number>): Promise<number> {
  const parsed = parseOptions(args, env);
  if (parsed.ok) return use(parsed.options);
  for (const error of parsed.errors) deps.stderr(`router: ${error}\n`);
  deps.stderr("Run 'router --help' for usage.\n");
  return USAGE_EXIT_CODE;
}
