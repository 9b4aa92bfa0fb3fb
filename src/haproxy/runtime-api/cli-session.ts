import { createConnection } from 'node:net';
import { requestHead, requestText, type CliRequest } from '../../plan/cli-requests.ts';
import { PromptSplitter } from './prompt-splitter.ts';

/**
 * In interactive mode haproxy ends every reply with a prompt. Splitting on it
 * is how replies are told apart: in one-shot mode `a;b` answers with both
 * texts run together, and commands that succeed say nothing.
 */
const PROMPT = '\n> ';
/**
 * In interactive mode haproxy answers the `<<` line and each payload line
 * with this continuation prompt, ahead of the command's reply.
 */
const PAYLOAD_PROMPT = '+ ';

export interface CliSessionOptions {
  /** Give up when haproxy has been silent this long while replies are still owed. */
  idleTimeoutMs: number;
  /**
   * Most bytes of requests sent but not yet answered; a larger request is
   * sent alone. haproxy reads requests into one buffer (tune.bufsize) and a
   * request must fit in it (fitsCliBuffer); keeping well under that keeps
   * each write whole in haproxy's buffer.
   */
  windowBytes: number;
  /** The worker's tune.bufsize: the largest request it takes is one byte less (see fitsCliBuffer). */
  bufSize: number;
}

/** Throws on a request that could not be framed as exactly one command. */
function checkFraming(r: CliRequest): void {
  if (r.line.includes('\n')) throw new Error(`haproxy CLI: a command cannot span lines: ${JSON.stringify(r.line)}`);
  if (r.payload === undefined) {
    // haproxy would take the lines after it as its payload.
    if (r.line.trimEnd().endsWith('<<')) throw new Error(`haproxy CLI: a command without payload cannot end with <<: ${JSON.stringify(r.line)}`);
    return;
  }
  for (const l of r.payload) {
    // haproxy drops a trailing \r before looking for the empty line, and a NUL would cut the command short.
    if (l === '' || /[\r\n\0]/.test(l)) throw new Error(`haproxy CLI: payload line ${JSON.stringify(l)} of ${JSON.stringify(r.line)} would end or break the payload`);
  }
}

/**
 * Sends `requests` over one connection to a haproxy CLI socket in
 * interactive mode, pipelined up to `windowBytes` ahead of the replies, and
 * resolves with one trimmed reply per request, in order (without the
 * continuation prompts a payload draws). Refuses, before connecting, any
 * request haproxy could mistake for more or fewer commands or could not
 * hold. Rejects when the socket fails, closes early, or goes silent; the
 * requests answered so far have then been applied, the rest may or may not
 * have been.
 */
export async function runCliSession(socketPath: string, requests: readonly CliRequest[], opts: CliSessionOptions): Promise<string[]> {
  const texts = requests.map((r) => {
    checkFraming(r);
    const text = requestText(r);
    const size = Buffer.byteLength(text);
    if (size > opts.bufSize - 1) {
      throw new Error(`haproxy CLI: ${JSON.stringify(requestHead(r))} takes ${size} bytes, more than haproxy's ${opts.bufSize}-byte buffer holds`);
    }
    // The `<<` line and every payload line each draw one continuation prompt.
    return { text, size, echo: r.payload === undefined ? '' : PAYLOAD_PROMPT.repeat(r.payload.length + 1) };
  });
  if (texts.length === 0) return [];

  return new Promise((resolve, reject) => {
    const replies: string[] = [];
    /** Size and continuation prompts of each request sent and not yet answered, oldest first. */
    const inFlight: { size: number; echo: string }[] = [];
    let inFlightBytes = 0;
    let next = 0;
    /** The reply to `prompt` itself comes first and is dropped. */
    let promptAcknowledged = false;
    const splitter = new PromptSplitter(PROMPT);
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
      finish(new Error(`haproxy CLI ${socketPath}: ${message} (${replies.length} of ${texts.length} commands answered)`, { cause }));

    let timer = setTimeout(() => fail(`no reply within ${opts.idleTimeoutMs} ms`), opts.idleTimeoutMs);
    const touch = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(`no reply within ${opts.idleTimeoutMs} ms`), opts.idleTimeoutMs);
    };

    const sendMore = () => {
      let chunk = '';
      while (next < texts.length) {
        const t = texts[next];
        if (t === undefined || (inFlight.length > 0 && inFlightBytes + t.size > opts.windowBytes)) break;
        inFlight.push(t);
        inFlightBytes += t.size;
        chunk += t.text;
        next++;
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
      for (const raw of splitter.push(data)) {
        if (!promptAcknowledged) {
          promptAcknowledged = true;
          continue;
        }
        const answered = inFlight.shift();
        const echo = answered?.echo ?? '';
        replies.push((echo !== '' && raw.startsWith(echo) ? raw.slice(echo.length) : raw).trim());
        inFlightBytes -= answered?.size ?? 0;
      }
      if (replies.length === texts.length) finish(undefined);
      else sendMore();
    });
    socket.on('error', (err) => fail(err.message, err));
    socket.on('close', () => fail('the socket closed'));
  });
}
