import type { Socket } from 'bun';
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

const encoder = new TextEncoder();

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
  /**
   * Told, per batch, the ms from writing it to its first reply: mostly
   * haproxy's CLI task waiting for a thread, since the commands after it
   * answer in microseconds (the commit timeline's `firstReply`).
   */
  onFirstReply?: (waitMs: number) => void;
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

interface Prepared {
  text: string;
  size: number;
  /** The continuation prompts the request draws ahead of its reply. */
  echo: string;
}

/** The requests as sent; throws, before anything is sent, on one haproxy could not frame or hold. */
function prepare(requests: readonly CliRequest[], opts: CliSessionOptions): Prepared[] {
  return requests.map((r) => {
    checkFraming(r);
    const text = requestText(r);
    const size = Buffer.byteLength(text);
    if (size > opts.bufSize - 1) {
      throw new Error(`haproxy CLI: ${JSON.stringify(requestHead(r))} takes ${size} bytes, more than haproxy's ${opts.bufSize}-byte buffer holds`);
    }
    // The `<<` line and every payload line each draw one continuation prompt.
    return { text, size, echo: r.payload === undefined ? '' : PAYLOAD_PROMPT.repeat(r.payload.length + 1) };
  });
}

/** Throws, as sending them would, when haproxy could not frame or hold one of `requests`. */
export function checkRequests(requests: readonly CliRequest[], opts: CliSessionOptions): void {
  prepare(requests, opts);
}

/** One batch being answered: its requests, those sent and not yet answered (oldest first), and the replies so far. */
interface Batch {
  texts: Prepared[];
  next: number;
  inFlight: Prepared[];
  inFlightBytes: number;
  replies: string[];
  /** performance.now() when the batch's first requests were written. */
  sentAt: number;
  resolve(replies: string[]): void;
  reject(err: Error): void;
}

/**
 * A connection to a haproxy CLI socket in interactive mode, for one batch
 * of requests or several in turn (the phases of one runtime update), each
 * pipelined up to `windowBytes` ahead of its replies. A batch sent while
 * another is answered waits for it. Once the socket fails, closes or goes
 * silent while replies are owed, the session is over: the batch in flight
 * rejects (the requests answered so far have been applied, the rest may or
 * may not have been) and so does every later one.
 */
export class CliSession {
  private socket: Socket | undefined;
  /** Bytes written but not yet taken by the socket (it takes what its buffer holds; `drain` says when there is room). */
  private unsent: Uint8Array | undefined;
  private readonly decoder = new TextDecoder();
  private readonly splitter = new PromptSplitter(PROMPT);
  /** The reply to `prompt` itself comes first and is dropped. */
  private promptAcknowledged = false;
  private batch: Batch | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socketPath: string,
    private readonly opts: CliSessionOptions,
  ) {}

  /**
   * Connects; rejects when the socket cannot be reached. Bun's own socket,
   * not node:net's: a connection and its writes through node:net cost about
   * 0.5 and 0.4 ms of the JS thread per runtime update (BENCHMARKS.md, issue #12).
   */
  static async open(socketPath: string, opts: CliSessionOptions): Promise<CliSession> {
    const session = new CliSession(socketPath, opts);
    session.socket = await Bun.connect({
      unix: socketPath,
      socket: {
        data: (_socket, data) => session.received(session.decoder.decode(data, { stream: true })),
        drain: () => session.flush(),
        close: () => session.fail('the socket closed'),
        error: (_socket, err) => session.fail(err.message, err),
      },
    }).catch((err: NodeJS.ErrnoException) => {
      // Bun says "Failed to connect" and keeps the reason in the code: say it as node:net did.
      throw new Error(`connect ${err.code ?? err.message} ${socketPath}`, { cause: err });
    });
    session.write('prompt\n');
    return session;
  }

  /** Whether the session can still take a batch. */
  get alive(): boolean {
    return this.failure === undefined;
  }

  /**
   * Sends `requests` and resolves with one trimmed reply per request, in
   * order (without the continuation prompts a payload draws). Refuses,
   * before sending anything, any request haproxy could mistake for more or
   * fewer commands or could not hold.
   */
  send(requests: readonly CliRequest[]): Promise<string[]> {
    const texts = prepare(requests, this.opts);
    const sent = this.queue.then(() => this.run(texts));
    this.queue = sent.catch(() => undefined);
    return sent;
  }

  /** Ends the session once the batches sent so far are answered. */
  close(): void {
    void this.queue.then(() => {
      if (this.failure) return;
      this.failure = new Error(`haproxy CLI ${this.socketPath}: the session was closed`);
      this.socket?.end('quit\n');
    });
  }

  private run(texts: Prepared[]): Promise<string[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.batch = { texts, next: 0, inFlight: [], inFlightBytes: 0, replies: [], sentAt: performance.now(), resolve, reject };
      this.touch();
      this.sendMore();
    });
  }

  private touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(`no reply within ${this.opts.idleTimeoutMs} ms`), this.opts.idleTimeoutMs);
  }

  private sendMore(): void {
    const b = this.batch;
    if (!b) return;
    let chunk = '';
    while (b.next < b.texts.length) {
      const t = b.texts[b.next];
      if (t === undefined || (b.inFlight.length > 0 && b.inFlightBytes + t.size > this.opts.windowBytes)) break;
      b.inFlight.push(t);
      b.inFlightBytes += t.size;
      chunk += t.text;
      b.next++;
    }
    if (chunk !== '') this.write(chunk);
  }

  private write(text: string): void {
    const bytes = encoder.encode(text);
    if (this.unsent) {
      const joined = new Uint8Array(this.unsent.length + bytes.length);
      joined.set(this.unsent);
      joined.set(bytes, this.unsent.length);
      this.unsent = joined;
    } else this.unsent = bytes;
    this.flush();
  }

  private flush(): void {
    const unsent = this.unsent;
    if (!unsent || !this.socket || this.failure) return;
    const written = this.socket.write(unsent);
    if (written < 0) return this.fail('the socket closed');
    this.unsent = written < unsent.length ? unsent.subarray(written) : undefined;
  }

  private received(data: string): void {
    const answeredBefore = this.batch?.replies.length;
    for (const raw of this.splitter.push(data)) {
      if (!this.promptAcknowledged) {
        this.promptAcknowledged = true;
        continue;
      }
      const b = this.batch;
      if (!b) continue;
      const answered = b.inFlight.shift();
      const echo = answered?.echo ?? '';
      b.replies.push((echo !== '' && raw.startsWith(echo) ? raw.slice(echo.length) : raw).trim());
      b.inFlightBytes -= answered?.size ?? 0;
    }
    const b = this.batch;
    if (!b) return;
    if (answeredBefore === 0 && b.replies.length > 0) this.opts.onFirstReply?.(performance.now() - b.sentAt);
    if (b.replies.length < b.texts.length) {
      this.touch();
      this.sendMore();
      return;
    }
    clearTimeout(this.timer);
    this.batch = undefined;
    b.resolve(b.replies);
  }

  private fail(message: string, cause?: Error): void {
    clearTimeout(this.timer);
    const b = this.batch;
    this.batch = undefined;
    if (this.failure) return;
    const answered = b ? ` (${b.replies.length} of ${b.texts.length} commands answered)` : '';
    this.failure = new Error(`haproxy CLI ${this.socketPath}: ${message}${answered}`, { cause });
    this.unsent = undefined;
    this.socket?.terminate();
    b?.reject(this.failure);
  }
}

/**
 * Sends `requests` over a connection of their own (a CliSession) and
 * resolves with one trimmed reply per request, in order; see CliSession.
 * Nothing to send does not connect, and a request haproxy could not frame
 * or hold is refused before connecting.
 */
export async function runCliSession(socketPath: string, requests: readonly CliRequest[], opts: CliSessionOptions): Promise<string[]> {
  checkRequests(requests, opts);
  if (requests.length === 0) return [];
  const session = await CliSession.open(socketPath, opts).catch((err: Error) => {
    throw new Error(`haproxy CLI ${socketPath}: ${err.message} (0 of ${requests.length} commands answered)`, { cause: err });
  });
  try {
    return await session.send(requests);
  } finally {
    session.close();
  }
}
