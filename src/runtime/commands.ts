/**
 * The runtime-API commands the router sends to a haproxy worker, as data,
 * and the one place that turns them into CLI text and judges haproxy's
 * replies (texts verified against haproxy 2.6.12).
 */

interface ServerRef {
  backend: string;
  server: string;
}

/** A command that changes one server of a running backend; see commandText for its haproxy form. */
export type RuntimeCommand =
  /** Registers a server in maintenance, with health checks off, whatever its options say. */
  | (ServerRef & { kind: 'add-server'; address: string; options: string })
  | (ServerRef & { kind: 'enable-server' })
  | (ServerRef & { kind: 'enable-health' })
  | (ServerRef & { kind: 'disable-health' })
  | (ServerRef & { kind: 'set-weight'; weight: number })
  /** No new traffic; requests in flight finish. `del-server` accepts only servers in this state. */
  | (ServerRef & { kind: 'set-maint' })
  /** Out of load balancing but not in maintenance: the way out of maint that makes entering it again close idle connections. */
  | (ServerRef & { kind: 'set-drain' })
  | (ServerRef & { kind: 'del-server' });

/** The only non-empty replies a successful command gives. */
const SERVER_ADDED_REPLY = 'New server registered.';
const SERVER_DELETED_REPLY = 'Server deleted.';
/**
 * `del server` on a server in maintenance that still has a request in flight,
 * or an idle connection to the server such a request left behind after the
 * server entered maintenance (haproxy 2.6 has no command that waits for it).
 */
export const SERVER_BUSY_REPLY = 'Server still has connections attached to it, cannot remove it.';

/**
 * ok: done. busy: a `del-server` that has to be retried once the server's
 * last requests finished (it is in maintenance meanwhile, so it takes no new
 * traffic). failed: anything else haproxy said.
 */
export type ReplyStatus = 'ok' | 'busy' | 'failed';

const MAX_WEIGHT = 256;

/**
 * Names reach haproxy already validated (domain/names.ts); refusing
 * separators here as well means no future caller can turn one argument into
 * two, or one command into two with `;` or a newline.
 */
function arg(value: string, what: string): string {
  if (value === '' || /[\s;]/.test(value)) throw new Error(`runtime command: unsafe ${what} ${JSON.stringify(value)}`);
  return value;
}

function serverRef(c: ServerRef): string {
  // `<backend>/<server>` is split at the slash, so neither half may contain one.
  if (c.backend.includes('/') || c.server.includes('/')) throw new Error(`runtime command: unsafe server ${JSON.stringify(`${c.backend}/${c.server}`)}`);
  return `${arg(c.backend, 'backend')}/${arg(c.server, 'server')}`;
}

/** serverOptions() output is several words, so only command separators and control characters are refused. */
function options(value: string): string {
  if (/[;\x00-\x1f\x7f]/.test(value)) throw new Error(`runtime command: unsafe server options ${JSON.stringify(value)}`);
  return value;
}

function weight(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_WEIGHT) throw new Error(`runtime command: weight ${value} is not an integer in 0-${MAX_WEIGHT}`);
  return String(value);
}

/** The command's CLI line (without newline). Throws when an argument could break out of its place. */
export function commandText(c: RuntimeCommand): string {
  switch (c.kind) {
    case 'add-server': {
      const opts = options(c.options);
      return `add server ${serverRef(c)} ${arg(c.address, 'address')}${opts === '' ? '' : ` ${opts}`}`;
    }
    case 'enable-server':
      return `enable server ${serverRef(c)}`;
    case 'enable-health':
      return `enable health ${serverRef(c)}`;
    case 'disable-health':
      return `disable health ${serverRef(c)}`;
    case 'set-weight':
      return `set server ${serverRef(c)} weight ${weight(c.weight)}`;
    case 'set-maint':
      return `set server ${serverRef(c)} state maint`;
    case 'set-drain':
      return `set server ${serverRef(c)} state drain`;
    case 'del-server':
      return `del server ${serverRef(c)}`;
  }
}

/** `show servers state`, of one backend or of all. */
export function showServersStateText(backend?: string): string {
  return backend === undefined ? 'show servers state' : `show servers state ${arg(backend, 'backend')}`;
}

/** Judges haproxy's reply (already trimmed) to a command: anything but the exact expected text is a failure. */
export function classifyReply(c: RuntimeCommand, reply: string): ReplyStatus {
  switch (c.kind) {
    case 'add-server':
      return reply === SERVER_ADDED_REPLY ? 'ok' : 'failed';
    case 'del-server':
      if (reply === SERVER_DELETED_REPLY) return 'ok';
      return reply === SERVER_BUSY_REPLY ? 'busy' : 'failed';
    default:
      return reply === '' ? 'ok' : 'failed';
  }
}
