import { SOCKET_COMMAND_TIMEOUT_MS } from '../timeouts.ts';
import { requestHead, type CliRequest } from '../../plan/cli-requests.ts';
import { checkRequests, CliSession, runCliSession, type CliSessionOptions } from './cli-session.ts';
import { classifyReply, commandRequest, showServersStateText, type ReplyStatus } from './commands.ts';
import type { RuntimeCommand } from '../../plan/commands.ts';
import { parseServersState, type ServerRuntimeState } from './servers-state.ts';

/** One command of a batch with haproxy's exact (trimmed) reply. */
export interface CommandResult {
  command: RuntimeCommand;
  /** The line sent, without any payload (which can hold a private key), so it can be logged. */
  text: string;
  reply: string;
  status: ReplyStatus;
}

/** A `del-server` haproxy refused because requests are still in flight. */
export interface BusyResult extends CommandResult {
  command: Extract<RuntimeCommand, { kind: 'del-server' }>;
}

export interface ApplyResult {
  /** One per command, in order. haproxy runs every command even after one fails. */
  results: CommandResult[];
  /** Anything but busy or ok: the worker no longer matches the plan, so the caller reloads. */
  failed: CommandResult[];
  /** The server is in maintenance; retry the delete later. */
  busy: BusyResult[];
}

export interface RuntimeClientOptions {
  /** Silence from haproxy, while replies are owed, after which a batch fails. */
  idleTimeoutMs?: number;
  /** Bytes of commands sent ahead of their replies; see CliSessionOptions.windowBytes. */
  windowBytes?: number;
  /** The worker's tune.bufsize (ConfigSettings.bufSize): a command that would not fit is refused before anything is sent. */
  bufSize?: number;
  /** See CliSessionOptions.onFirstReply. */
  onFirstReply?: (waitMs: number) => void;
}

/** Half of haproxy's default 16 KiB buffer: room for every command we send, and for several in flight. */
const DEFAULT_WINDOW_BYTES = 8192;
/** haproxy's own default tune.bufsize. */
const DEFAULT_BUF_SIZE = 16384;

export interface RuntimeClient {
  /**
   * Sends the commands in order over one connection and judges each reply.
   * Rejects before connecting when a command would not fit haproxy's buffer
   * (or an argument is unsafe), so nothing is applied; otherwise only when
   * the socket fails (refused, closed, silent), in which case how much was
   * applied is unknown.
   */
  apply(commands: readonly RuntimeCommand[]): Promise<ApplyResult>;
  /** The running servers, of one backend or all; rejects with haproxy's text if the backend does not exist. */
  showServersState(backend?: string): Promise<ServerRuntimeState[]>;
  /**
   * Runs `work` with everything it sends over one connection (the phases of
   * one runtime update: one connect instead of one per phase), closed when
   * it ends. Never across updates: a connection stays with the worker it
   * reached, and the next update must reach whichever worker runs then.
   */
  together?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * The process id of the worker that answers (`show info`); within
   * `together`, of the worker the rest of the work reaches. During a reload
   * both the old and the new worker may answer on the socket, one after the
   * other: this tells which one a connection reached.
   */
  workerPid?(): Promise<number | undefined>;
}

const isBusy = (r: CommandResult): r is BusyResult => r.status === 'busy' && r.command.kind === 'del-server';

/** A client for a haproxy worker's admin socket (`stats socket ... level admin`, ConfigSettings.adminSocketPath). */
export function createRuntimeClient(socketPath: string, opts: RuntimeClientOptions = {}): RuntimeClient {
  const session: CliSessionOptions = {
    idleTimeoutMs: opts.idleTimeoutMs ?? SOCKET_COMMAND_TIMEOUT_MS,
    windowBytes: opts.windowBytes ?? DEFAULT_WINDOW_BYTES,
    bufSize: opts.bufSize ?? DEFAULT_BUF_SIZE,
    ...(opts.onFirstReply ? { onFirstReply: opts.onFirstReply } : {}),
  };
  /** The connection `together` holds open, while it runs. */
  let shared: Promise<CliSession> | undefined;
  let holders = 0;
  /** Sends are serialized while a connection is shared: opening one again after it failed must not race. */
  let chain: Promise<unknown> = Promise.resolve();

  async function sharedSession(): Promise<CliSession> {
    const current = await shared?.catch(() => undefined);
    if (current?.alive) return current;
    shared = CliSession.open(socketPath, session);
    return shared;
  }

  function send(requests: readonly CliRequest[]): Promise<string[]> {
    if (holders === 0) return runCliSession(socketPath, requests, session);
    checkRequests(requests, session);
    const sent = chain.then(async () => {
      // `together` may have ended while this waited its turn.
      if (holders === 0 || requests.length === 0) return runCliSession(socketPath, requests, session);
      const s = await sharedSession().catch((err: Error) => {
        throw new Error(`haproxy CLI ${socketPath}: ${err.message} (0 of ${requests.length} commands answered)`, { cause: err });
      });
      return s.send(requests);
    });
    chain = sent.catch(() => undefined);
    return sent;
  }

  return {
    async apply(commands) {
      // Built before connecting, so an unsafe argument sends nothing at all.
      const requests = commands.map(commandRequest);
      const replies = await send(requests);
      const results = commands.map((command, i): CommandResult => {
        const reply = replies[i] ?? '';
        const request = requests[i];
        return { command, text: request ? requestHead(request) : '', reply, status: classifyReply(command, reply) };
      });
      return {
        results,
        failed: results.filter((r) => r.status === 'failed'),
        busy: results.filter(isBusy),
      };
    },
    async showServersState(backend) {
      const [reply] = await send([{ line: showServersStateText(backend) }]);
      return parseServersState(reply ?? '');
    },
    async workerPid() {
      const [reply] = await send([{ line: 'show info' }]);
      const pid = /^Pid: (\d+)$/m.exec(reply ?? '')?.[1];
      return pid === undefined ? undefined : Number(pid);
    },
    async together(work) {
      holders++;
      try {
        return await work();
      } finally {
        if (--holders === 0) {
          const held = shared;
          shared = undefined;
          void held?.then((s) => s.close(), () => undefined);
        }
      }
    },
  };
}
