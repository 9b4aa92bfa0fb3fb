/**
 * router's commands, as data: `router` alone runs the router; a command word
 * comes first on the line. help.ts prints these and command.ts hands them to
 * citty, so adding a command is an entry here and an action in actions.ts.
 */

export const ROUTER_DESCRIPTION = 'an OpenShift-compatible HAProxy router';

export interface CommandSpec {
  /** The line as --help shows it. */
  readonly usage: string;
  readonly description: string;
  /** A command without flags is one only when alone: `router version now` is stray words, not a version request. */
  readonly takesFlags: boolean;
}

export const COMMANDS = {
  run: { usage: 'router [run] [flags]', description: 'Run the router (the command when none is named).', takesFlags: true },
  render: {
    usage: 'router render [flags] --out DIR',
    description: 'Write the configuration, maps and certificates the router would serve into DIR (empty or new), and exit.',
    takesFlags: true,
  },
  check: {
    usage: 'router check [flags]',
    description: "Print each route's admission and each unreadable file, run haproxy -c on the result; exit 1 on any problem.",
    takesFlags: true,
  },
  version: { usage: 'router version', description: 'Print the version, as --version does.', takesFlags: false },
} as const satisfies Readonly<Record<string, CommandSpec>>;

export type CommandName = keyof typeof COMMANDS;

export const DEFAULT_COMMAND: CommandName = 'run';

export const COMMAND_ENTRIES = Object.entries(COMMANDS) as [CommandName, CommandSpec][];

/** Own keys only: `router constructor` is a stray word, not a lookup on Object's prototype. */
function isCommandName(word: string): word is CommandName {
  return Object.hasOwn(COMMANDS, word);
}

/** The command a line names with its first word, or undefined when the line is the default command's. */
export function namedCommand(argv: readonly string[]): CommandName | undefined {
  const [first] = argv;
  if (first === undefined || !isCommandName(first)) return undefined;
  return COMMANDS[first].takesFlags || argv.length === 1 ? first : undefined;
}
