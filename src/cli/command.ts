/**
 * The `router` command: help, version, or parse and hand the options to the
 * runner. It returns an exit code instead of exiting so main and tests decide
 * what to do with it.
 */
import type { RouterOptions } from '../options.ts';
import { helpText } from './help.ts';
import { parseOptions } from './parse-options.ts';
import type { Env } from './resolve.ts';

/** What the command needs from its surroundings. */
export interface CliDeps {
  /** Runs the router; resolves to the process exit code. */
  run(options: RouterOptions): Promise<number>;
  version: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Usage errors exit with 2, like pflag-based commands. */
export const USAGE_EXIT_CODE = 2;

/**
 * Handles `--help`/`-h`, `--version` and the `version` subcommand, otherwise
 * parses argv (without the executable) and env and runs the router.
 */
export async function runCli(argv: readonly string[], env: Env, deps: CliDeps): Promise<number> {
  const request = metaRequest(argv);
  if (request === 'help') {
    deps.stdout(helpText());
    return 0;
  }
  if (request === 'version') {
    deps.stdout(`router ${deps.version}\n`);
    return 0;
  }
  return withOptions(argv, env, deps, deps.run);
}

/**
 * Parses the flags and environment and hands the options on, or reports every
 * usage error. Subcommands that take router's flags (issue #11's `render` and
 * `check`) go through here with their own `use`.
 */
async function withOptions(argv: readonly string[], env: Env, deps: CliDeps, use: (options: RouterOptions) => Promise<number>): Promise<number> {
  const parsed = parseOptions(argv, env);
  if (parsed.ok) return use(parsed.options);
  for (const error of parsed.errors) deps.stderr(`router: ${error}\n`);
  deps.stderr("Run 'router --help' for usage.\n");
  return USAGE_EXIT_CODE;
}

/**
 * Help and version win over everything else on the line (unlike citty, whose
 * --version only works alone), but not after `--`, where nothing is a flag.
 */
function metaRequest(argv: readonly string[]): 'help' | 'version' | undefined {
  if (argv.length === 1 && argv[0] === 'version') return 'version';
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.some((arg) => arg === '-h' || arg === '--help')) return 'help';
  return flags.includes('--version') ? 'version' : undefined;
}
