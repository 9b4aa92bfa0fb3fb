import { SOCKET_COMMAND_TIMEOUT_MS } from '../haproxy/timeouts.ts';
import { runCliSession } from './cli-session.ts';
import { classifyReply, commandText, showServersStateText, type ReplyStatus, type RuntimeCommand } from './commands.ts';
import { parseServersState, type ServerRuntimeState } from './servers-state.ts';

/** One command of a batch with haproxy's exact (trimmed) reply. */
export interface CommandResult {
  command: RuntimeCommand;
  /** The line sent. */
  text: string;
  reply: string;
  status: ReplyStatus;
}

export interface ApplyResult {
  /** One per command, in order. haproxy runs every command even after one fails. */
  results: CommandResult[];
  /** Anything but busy or ok: the worker no longer matches the plan, so the caller reloads. */
  failed: CommandResult[];
  /** `del-server` refused because requests are still in flight; the server is in maintenance, retry the delete later. */
  busy: CommandResult[];
}

export interface RuntimeClientOptions {
  /** Silence from haproxy, while replies are owed, after which a batch fails. */
  idleTimeoutMs?: number;
  /** Bytes of commands sent ahead of their replies; see CliSessionOptions.windowBytes. */
  windowBytes?: number;
}

/** Half of haproxy's default 16 KiB buffer: room for every command we send, and for several in flight. */
const DEFAULT_WINDOW_BYTES = 8192;

export interface RuntimeClient {
  /**
   * Sends the commands in order over one connection and judges each reply.
   * Rejects only when the socket fails (refused, closed, silent), in which
   * case how much was applied is unknown.
   */
  apply(commands: readonly RuntimeCommand[]): Promise<ApplyResult>;
  /** The running servers, of one backend or all; rejects with haproxy's text if the backend does not exist. */
  showServersState(backend?: string): Promise<ServerRuntimeState[]>;
}

/** A client for a haproxy worker's admin socket (`stats socket ... level admin`, ConfigSettings.adminSocketPath). */
export function createRuntimeClient(socketPath: string, opts: RuntimeClientOptions = {}): RuntimeClient {
  const session = {
    idleTimeoutMs: opts.idleTimeoutMs ?? SOCKET_COMMAND_TIMEOUT_MS,
    windowBytes: opts.windowBytes ?? DEFAULT_WINDOW_BYTES,
  };
  return {
    async apply(commands) {
      // Built before connecting, so an unsafe argument sends nothing at all.
      const texts = commands.map(commandText);
      const replies = await runCliSession(socketPath, texts, session);
      const results = commands.map((command, i): CommandResult => {
        const reply = replies[i] ?? '';
        return { command, text: texts[i] ?? '', reply, status: classifyReply(command, reply) };
      });
      return {
        results,
        failed: results.filter((r) => r.status === 'failed'),
        busy: results.filter((r) => r.status === 'busy'),
      };
    },
    async showServersState(backend) {
      const [reply] = await runCliSession(socketPath, [showServersStateText(backend)], session);
      return parseServersState(reply ?? '');
    },
  };
}
