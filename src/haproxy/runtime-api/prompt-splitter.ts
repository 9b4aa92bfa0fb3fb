/**
 * Cuts the text of an interactive haproxy CLI session into replies, each
 * ended by `prompt`, as it arrives in chunks. A reply's chunks are kept in
 * a list and joined once, when its prompt comes: appending each chunk to
 * one string and searching that made the engine copy the whole reply so
 * far at every chunk, which for `show servers state` at 10,000 routes
 * (about 6 MB in 64 KiB chunks) took most of a second.
 */
export class PromptSplitter {
  private chunks: string[] = [];
  /** The end of the chunks held, as long as a prompt less one character: where a prompt split across chunks begins. */
  private carry = '';

  constructor(private readonly prompt: string) {}

  /** Takes in a chunk; returns the replies it completes, in order, without their prompts. */
  push(data: string): string[] {
    const replies: string[] = [];
    let text = data;
    for (;;) {
      const window = this.carry + text;
      const hit = window.indexOf(this.prompt);
      if (hit === -1) {
        this.chunks.push(text);
        this.carry = this.prompt.length > 1 ? window.slice(1 - this.prompt.length) : '';
        return replies;
      }
      // Where the prompt starts, counted from the start of everything held (it may begin in the carry).
      const held = this.chunks.join('');
      const all = held + text;
      const start = held.length - this.carry.length + hit;
      replies.push(all.slice(0, start));
      text = all.slice(start + this.prompt.length);
      this.chunks = [];
      this.carry = '';
    }
  }
}
