import type { LogObject } from 'consola';
import { localTime } from '../log-format.ts';
import type { RecordOutput } from '../log.ts';
import { objectMemo } from '../domain/object-memo.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Stands for the message in a record formatted by the logger, which is then split around it; nothing escapes it. */
const TOKEN = '#@MESSAGE@#';
const INITIAL_SIZE = 1 << 18;

export type Fields = Record<'namespace' | 'route', string>;

/**
 * Writes access-log records byte for byte as the logger would (JSON or
 * pretty), without making a string of each: haproxy's line is copied from
 * the bytes read into one buffer, between what the logger puts before a
 * message (its time, level and tag, formatted once per millisecond) and
 * after it (the route's fields, formatted once per route). Thousands of
 * records a second then make almost no garbage for the collector, whose
 * work (and the kernel's, giving memory back and faulting it in again)
 * cost more than the records themselves. Only lines of printable ASCII go
 * this way; anything else goes through the logger, which escapes it.
 */
export class AccessRecords {
  private out = Buffer.alloc(INITIAL_SIZE);
  private length = 0;
  private prefixAt = Number.NaN;
  /** What the logger puts before a message; its time is rewritten in place each millisecond. */
  private readonly prefix: Buffer;
  private readonly time: { at: number; text: (date: Date) => string } | undefined;
  private readonly suffixes = objectMemo<Fields, Buffer>('access record suffix');
  private readonly bare: Buffer;

  constructor(
    private readonly output: RecordOutput,
    private readonly tag: string,
  ) {
    const sample = new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 789));
    const { before, after } = this.around(sample, undefined);
    this.bare = Buffer.from(after);
    this.prefix = Buffer.from(before);
    // Where the logger writes the time (ISO, or local on a terminal), so that only those bytes change.
    const time = [(d: Date) => d.toISOString(), localTime].map((text) => ({ at: before.indexOf(text(sample)), text }));
    this.time = time.find((t) => t.at >= 0);
  }

  /** The logger's line for a record of TOKEN, split around it. */
  private around(date: Date, fields: Fields | undefined): { before: string; after: string } {
    const record = { date, type: 'info', level: 3, tag: this.tag, args: fields ? [TOKEN, fields] : [TOKEN] } as unknown as LogObject;
    const line = this.output.format(record);
    const at = line.indexOf(TOKEN);
    return { before: line.slice(0, at), after: line.slice(at + TOKEN.length) };
  }

  private suffix(fields: Fields | undefined): Buffer {
    if (!fields) return this.bare;
    let suffix = this.suffixes.get(fields);
    if (!suffix) {
      suffix = Buffer.from(this.around(new Date(0), fields).after);
      this.suffixes.set(fields, suffix);
    }
    return suffix;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.out.length) return;
    const bigger = Buffer.alloc(Math.max(this.out.length * 2, this.length + bytes));
    this.out.copy(bigger, 0, 0, this.length);
    this.out = bigger;
  }

  /**
   * Adds the record of `src[start, end)` (haproxy's text) for the route of
   * `fields`; false, adding nothing, when the text is not all printable
   * ASCII and must go through the logger.
   */
  add(src: Buffer, start: number, end: number, fields: Fields | undefined): boolean {
    const now = Date.now();
    if (now !== this.prefixAt && this.time) {
      this.prefixAt = now;
      this.prefix.write(this.time.text(new Date(now)), this.time.at, 'latin1');
    }
    const suffix = this.suffix(fields);
    // At worst every byte is escaped.
    this.reserve(this.prefix.length + 2 * (end - start) + suffix.length);
    const began = this.length;
    this.length += this.prefix.copy(this.out, this.length);
    const escape = this.output.json;
    let from = start;
    // One pass: check every byte, escaping as it goes; a byte the logger must see undoes the record.
    for (let i = start; i < end; i++) {
      const c = src[i] as number;
      if (c < 0x20 || c > 0x7e) {
        this.length = began;
        return false;
      }
      if (!escape || (c !== QUOTE && c !== BACKSLASH)) continue;
      this.length += src.copy(this.out, this.length, from, i);
      this.out[this.length++] = BACKSLASH;
      from = i;
    }
    this.length += src.copy(this.out, this.length, from, end);
    this.length += suffix.copy(this.out, this.length);
    return true;
  }

  /** Hands what was added to the logger's output, as one piece (which it is done with when this returns). */
  flush(): void {
    if (this.length === 0) return;
    this.output.write(this.out.subarray(0, this.length));
    this.length = 0;
  }
}
