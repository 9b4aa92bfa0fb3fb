import { compareText } from '../domain/compare.ts';
import type { MapEntry } from './model.ts';
import { STEP_ITEMS } from './render-steps.ts';

/** One line of a map file, as haproxy reads it: the key, one space, the value. */
export function mapLine(key: string, value: string): string {
  return `${key} ${value}\n`;
}

/** A map file's text: its entries' lines in order, built in one piece (a string grown by `+=` per line is a rope that costs far more to write out than to build). */
export function mapText(entries: readonly MapEntry[]): string {
  return entries.map((e) => mapLine(e.key, e.value)).join('');
}

/** mapText in steps of STEP_ITEMS entries (render-steps.ts). */
export function* mapTextSteps(entries: readonly MapEntry[]): Generator<void, string, void> {
  if (entries.length <= STEP_ITEMS) return mapText(entries);
  const parts: string[] = [];
  for (let at = 0; at < entries.length; at += STEP_ITEMS) {
    parts.push(mapText(entries.slice(at, at + STEP_ITEMS)));
    yield;
  }
  return parts.join('');
}

/**
 * How a file of entries in key order writes one of them, and reads it back:
 * `endOf` is where the entry's line ends in `text` if it starts at `at`
 * (-1 when the text there is not that line), compared in place so that
 * recognising a file's lines costs no copy of them.
 */
export interface LineFormat {
  line(key: string, value: string): string;
  /** The length of line(key, value), without making it. */
  length(key: string, value: string): number;
  endOf(text: string, at: number, key: string, value: string): number;
}

const NEWLINE = 10;
const SPACE = 32;

/** haproxy's map lines: mapLine. */
export const MAP_LINES: LineFormat = {
  line: mapLine,
  length: (key, value) => key.length + value.length + 2,
  endOf(text, at, key, value) {
    const sep = at + key.length;
    const end = sep + 1 + value.length;
    return text.startsWith(key, at) && text.charCodeAt(sep) === SPACE && text.startsWith(value, sep + 1) && text.charCodeAt(end) === NEWLINE ? end + 1 : -1;
  },
};

/** Entries per chunk a patch aims at: a chunk is split in two once it holds twice as many. */
const CHUNK_ENTRIES = 256;

interface Chunk {
  readonly entries: readonly MapEntry[];
  /** The chunk's lines, built the first time the file's text is asked for, or taken from the file's text as written (adoptText). */
  text?: string;
}

/** The chunk a key belongs in, by the chunks' first keys: the last one that starts at or before it, else the first. */
function chunkOf(firsts: readonly string[], key: string): number {
  let lo = 0;
  let hi = firsts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareText(firsts[mid] as string, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

function lowerBound(entries: readonly MapEntry[], key: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareText((entries[mid] as MapEntry).key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function chunked(sorted: readonly MapEntry[]): Chunk[] {
  const chunks: Chunk[] = [];
  for (let at = 0; at < sorted.length; at += CHUNK_ENTRIES) chunks.push({ entries: sorted.slice(at, at + CHUNK_ENTRIES) });
  return chunks;
}

/**
 * A map file's entries in key order, as the full render writes them, held
 * in chunks of a few hundred entries that keep their text: a patch copies
 * the chunks it changes (and the list of chunks, one slot per few hundred
 * entries), not the entries, and the file's text is the chunks' texts
 * joined, each rendered once. Immutable: a patch returns a new value that
 * shares every chunk it left alone, so the running model a failed commit
 * falls back to stays as it was.
 */
export class MapChunks {
  private joined: string | undefined;
  private texts: string[] | undefined;
  private flat: MapEntry[] | undefined;

  /** Each chunk's first key. */
  private readonly firsts: readonly string[];

  private constructor(
    private readonly chunks: readonly Chunk[],
    readonly size: number,
    private readonly format: LineFormat,
  ) {
    this.firsts = chunks.map((c) => (c.entries[0] as MapEntry).key);
  }

  /** From entries already in key order (a model's map); `format` writes an entry's line (the crt-list keeps its lines so, by their sort keys). */
  static of(sorted: readonly MapEntry[], format: LineFormat = MAP_LINES): MapChunks {
    return new MapChunks(chunked(sorted), sorted.length, format);
  }

  get(key: string): string | undefined {
    const chunk = this.chunks[chunkOf(this.firsts, key)];
    if (!chunk) return undefined;
    const e = chunk.entries[lowerBound(chunk.entries, key)];
    return e?.key === key ? e.value : undefined;
  }

  /** These entries with `changes` made: key -> new value, undefined to remove. */
  patched(changes: ReadonlyMap<string, string | undefined>): MapChunks {
    const chunks: Chunk[] = this.chunks.length === 0 ? [{ entries: [] }] : this.chunks.slice();
    // Chunks keep the first keys they started the patch with, so a chunk emptied on the way still orders the keys around it.
    const firsts = this.chunks.length === 0 ? [''] : this.firsts;
    const copied = new Map<number, { entries: MapEntry[]; text: string | undefined }>();
    let size = this.size;
    for (const [key, value] of changes) {
      const at = chunkOf(firsts, key);
      let draft = copied.get(at);
      if (!draft) {
        const old = chunks[at] as Chunk;
        draft = { entries: old.entries.slice(), text: old.text };
        copied.set(at, draft);
      }
      const { entries } = draft;
      const i = lowerBound(entries, key);
      const present = entries[i]?.key === key;
      if (!present && value === undefined) continue;
      // The chunk's text, where it has one, is changed at the line's place rather than built again line by line (256 lines per chunk).
      if (draft.text !== undefined) {
        let offset = 0;
        for (let j = 0; j < i; j++) offset += this.format.length((entries[j] as MapEntry).key, (entries[j] as MapEntry).value);
        const end = present ? offset + this.format.length(key, (entries[i] as MapEntry).value) : offset;
        draft.text = draft.text.slice(0, offset) + (value === undefined ? '' : this.format.line(key, value)) + draft.text.slice(end);
      }
      if (value === undefined) {
        entries.splice(i, 1);
        size--;
      } else if (present) entries[i] = { key, value };
      else {
        entries.splice(i, 0, { key, value });
        size++;
      }
    }
    for (const [at, draft] of copied) chunks[at] = draft.text === undefined ? { entries: draft.entries } : { entries: draft.entries, text: draft.text };
    return new MapChunks(
      chunks.flatMap((c) => (c.entries.length === 0 ? [] : c.entries.length >= 2 * CHUNK_ENTRIES ? chunked(c.entries) : [c])),
      size,
      this.format,
    );
  }

  /**
   * The file's text, equal to mapText of entries() (with its own line
   * function, their lines in order). Concatenated, not joined: JavaScript-
   * Core keeps it as a rope of the chunks' texts, made flat only when read,
   * so a change whose file is written later (haproxy/pending-writes.ts),
   * or never, pays for the number of chunks rather than the file's size.
   */
  text(): string {
    if (this.joined === undefined) {
      let text = '';
      for (const piece of this.pieces()) text += piece;
      this.joined = text;
    }
    return this.joined;
  }

  /**
   * The file's text as the chunks' texts, in order: what a writer encodes
   * one after the other. The joined text of a large map, once read whole,
   * is a new string of the file's size (a fresh allocation the system
   * faults in page by page: 25 ms for 8 MB here), for every write.
   */
  pieces(): readonly string[] {
    this.texts ??= this.chunks.map((c) => (c.text ??= c.entries.map((e) => this.format.line(e.key, e.value)).join('')));
    return this.texts;
  }

  /**
   * Takes the chunks' texts from `text`, the file as a full render wrote
   * these entries, where it holds exactly their lines; returns whether it
   * did. Without it the first change after a load builds every chunk's lines
   * at once to write the file again (30-90 ms for a map of 100,000 routes,
   * in that change's latency); the slices share the file's characters, so
   * this costs no memory the rendered file does not already hold.
   */
  adoptText(text: string): boolean {
    let at = 0;
    const slices: [Chunk, number, number][] = [];
    for (const c of this.chunks) {
      const start = at;
      for (const e of c.entries) {
        at = this.format.endOf(text, at, e.key, e.value);
        if (at < 0) return false;
      }
      slices.push([c, start, at]);
    }
    if (at !== text.length) return false;
    for (const [c, start, end] of slices) c.text ??= text.slice(start, end);
    this.joined ??= text;
    return true;
  }

  /** Every entry in key order: a model's map. */
  entries(): MapEntry[] {
    this.flat ??= this.chunks.flatMap((c) => c.entries);
    return this.flat;
  }
}
