import { createConnection } from 'node:net';

/**
 * In interactive mode haproxy ends every reply with a prompt. Splitting on it
 * is how replies are told apart: in one-shot mode `a;b` answers with both
 * texts run together, and commands that succeed say nothing.
 */
const PROMPT = '\n> ';

export interface CliSessionOptions {
  /** Give up when haproxy has been silent this long while replies are still owed. */
  idleTimeoutMs: number;
  /**
   * Most bytes of commands sent but not yet answered. haproxy reads commands
   * into one buffer (tune.bufsize, 16 KiB by default) and a line must fit in
   * it; keeping well under that keeps each write whole in haproxy's buffer.
   */
  windowBytes: number;
}

/**
 * Sends `lines` over one connection to a haproxy CLI socket in interactive
 * mode, pipelined up to `windowBytes` ahead of the replies, and resolves
 * with one trimmed reply per line, in order. Rejects when the socket fails,
 * closes early, or goes silent; the lines answered so far have then been
 * applied, the rest may or may not have been.
 */
export async function runCliSession(socketPath: string, lines: readonly string[], opts: CliSessionOptions): Promise<string[]> {
  for (const line of lines) {
    if (line.includes('\n')) throw new Error(`haproxy CLI: a command cannot span lines: ${JSON.stringify(line)}`);
    if (Buffer.byteLength(line) + 1 > opts.windowBytes) {
      throw new Error(`haproxy CLI: command of ${Buffer.byteLength(line)} bytes exceeds the ${opts.windowBytes}-byte window`);
    }
  }
  if (lines.length === 0) return [];

  return new Promise((resolve, reject) => {
    const replies: string[] = [];
    /** Byte size (with newline) of each command sent and not yet answered, oldest first. */
    const inFlight: number[] = [];
    let inFlightBytes = 0;
    let nextLine = 0;
    /** The reply to `prompt` itself comes first and is dropped. */
    let promptAcknowledged = false;
    let pending = '';
    /** Where the next prompt can start: a large reply arrives in many chunks and is not rescanned from its start. */
    let searchFrom = 0;
    let settled = false;

    const finish = (err: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        reject(err);
      } else {
        socket.end('quit\n');
        resolve(replies);
      }
    };
    const fail = (message: string, cause?: Error) =>
      finish(new Error(`haproxy CLI ${socketPath}: ${message} (${replies.length} of ${lines.length} commands answered)`, { cause }));

    let timer = setTimeout(() => fail(`no reply within ${opts.idleTimeoutMs} ms`), opts.idleTimeoutMs);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(`no reply within ${opts.idleTimeoutMs} ms`), opts.idleTimeoutMs);
    };

    const sendMore = () => {
      let chunk = '';
      while (nextLine < lines.length) {
        const text = `${lines[nextLine]}\n`;
        const size = Buffer.byteLength(text);
        if (inFlight.length > 0 && inFlightBytes + size > opts.windowBytes) break;
        inFlight.push(size);
        inFlightBytes += size;
        chunk += text;
        nextLine++;
      }
      if (chunk !== '') socket.write(chunk);
    };

    const socket = createConnection({ path: socketPath }, () => {
      socket.write('prompt\n');
      sendMore();
    });
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      touch();
      pending += data;
      let end: number;
      while ((end = pending.indexOf(PROMPT, searchFrom)) !== -1) {
        const reply = pending.slice(0, end).trim();
        pending = pending.slice(end + PROMPT.length);
        searchFrom = 0;
        if (!promptAcknowledged) {
          promptAcknowledged = true;
          continue;
        }
        replies.push(reply);
        inFlightBytes -= inFlight.shift() ?? 0;
      }
      searchFrom = Math.max(0, pending.length - PROMPT.length + 1);
      if (replies.length === lines.length) finish(undefined);
      else sendMore();
    });
    socket.on('error', (err) => fail(err.message, err));
    socket.on('close', () => fail('the socket closed'));
  });
}
