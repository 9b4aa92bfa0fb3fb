/**
 * The `router` command line. Like citty's runMain, it answers --help and
 * --version first, then has citty's runCommand run the command the line
 * names; unlike runMain it returns the exit code instead of exiting (runMain
 * exits by itself, with 1 on usage errors), so main and tests decide.
 */
import { defineCommand, runCommand, type CommandDef } from 'citty';
import { commandActions, type Action, type CliDeps } from './actions.ts';
import { COMMAND_ENTRIES, DEFAULT_COMMAND, namedCommand, ROUTER_DESCRIPTION, type CommandName } from './commands.ts';
import { helpText } from './help.ts';
import type { Env } from './resolve.ts';

export async function runCli(argv: readonly string[], env: Env, deps: CliDeps): Promise<number> {
  const actions = commandActions(env, deps);
  const request = metaRequest(argv);
  if (request === 'help') {
    deps.stdout(helpText());
    return 0;
  }
  if (request === 'version') return actions.version([]);
  let exitCode: number | undefined;
  const router = routerCommand(deps.version, actions, (code) => {
    exitCode = code;
  });
  // citty takes the first word that is not a flag, wherever it stands, as the command and drops the flags
  // before it; not knowing router's flags, it would also take a flag's value (`--manifests /m`) for one.
  // So citty is handed the line with its command word first: the one the line starts with, or `run`.
  await runCommand(router, { rawArgs: namedCommand(argv) ? [...argv] : [DEFAULT_COMMAND, ...argv] });
  if (exitCode === undefined) throw new Error('internal error: citty ran no command');
  return exitCode;
}

/** The command tree; citty drops what a subcommand's run returns, so each hands its exit code to `exit`. */
function routerCommand(version: string, actions: Readonly<Record<CommandName, Action>>, exit: (code: number) => void): CommandDef {
  const subCommands = Object.fromEntries(
    COMMAND_ENTRIES.map(([name, spec]) => [
      name,
      defineCommand({ meta: { name, description: spec.description }, run: async ({ rawArgs }) => exit(await actions[name](rawArgs)) }),
    ]),
  );
  return defineCommand({ meta: { name: 'router', version, description: ROUTER_DESCRIPTION }, subCommands });
}

/**
 * Help and version win over everything else on the line, whichever command it
 * names (citty's runMain would take --version only alone), but not after `--`,
 * where nothing is a flag.
 */
function metaRequest(argv: readonly string[]): 'help' | 'version' | undefined {
  const end = argv.indexOf('--');
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.some((arg) => arg === '-h' || arg === '--help')) return 'help';
  return flags.includes('--version') ? 'version' : undefined;
}
