/** One decoded watch event. */
export interface WatchEventJson {
  type: string;
  /** Any API object or a Status; typed loosely because tests read whatever fields they assert on. */
  object: any;
}

/**
 * Reads a watch response line by line, for tests that talk to the fake with
 * plain fetch. A reset connection surfaces as a rejected read, a clean end
 * as `undefined`.
 */
export class WatchReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';

  private constructor(readonly response: Response) {
    if (!response.body) throw new Error('watch response has no body');
    this.#chunks = response.body[Symbol.asyncIterator]();
  }

  /** Starts a watch with fetch and fails unless the server answered 200. */
  static async open(url: string, init?: RequestInit): Promise<WatchReader> {
    const res = await fetch(url, init);
    if (res.status !== 200) throw new Error(`watch ${url} answered ${res.status}: ${await res.text()}`);
    return new WatchReader(res);
  }

  /** The next raw line without its newline, or undefined when the server ended the stream cleanly. */
  async nextLine(): Promise<string | undefined> {
    for (;;) {
      const nl = this.#buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.#buffer.slice(0, nl);
        this.#buffer = this.#buffer.slice(nl + 1);
        return line;
      }
      const { done, value } = await this.#chunks.next();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }

  /** The next event; throws when the stream ends instead. */
  async next(): Promise<WatchEventJson> {
    const line = await this.nextLine();
    if (line === undefined) throw new Error('watch stream ended');
    return JSON.parse(line) as WatchEventJson;
  }

  /** Closes the client side of the watch. */
  async cancel(): Promise<void> {
    await this.#chunks.return?.().catch(() => undefined);
  }
}
