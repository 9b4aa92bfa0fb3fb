import { compareCrtListEntries } from './build-model.ts';
import { crtListLine, crtListLineText, endsLine, groupedCrtListLines, streamLines, type CrtListLine } from './crt-list.ts';
import { MapChunks, type LineFormat } from './map-chunks.ts';
import type { CrtListEntry } from './model.ts';

/** A line's place in the file, by its first entry: compareText of keys orders lines as compareCrtListEntries orders their first entries. */
function lineKey(line: CrtListLine): string {
  return `${line.snis[0]}\u0000${line.certFile}\u0000${line.alpn ? 1 : 0}`;
}

/** Each line is kept under its sort key (lineKey) with its text as the value. */
const CRT_LIST_LINES: LineFormat = {
  line: (_key, text) => `${text}\n`,
  length: (_key, text) => text.length + 1,
  endOf: (file, at, _key, text) => (file.startsWith(text, at) && file.charCodeAt(at + text.length) === 10 ? at + text.length + 1 : -1),
};

/** The entries of one certificate file and options that share lines: their SNIs, sorted. */
interface Stream {
  certFile: string;
  alpn: boolean;
  snis: string[];
}

const streamKey = (e: CrtListEntry) => `${e.certFile}\u0000${e.alpn ? 1 : 0}`;

function lowerBound(items: readonly string[], probe: string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((items[mid] as string) < probe) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The crt-list file's lines as groupedCrtListLines groups a sorted list of
 * entries, kept in step entry by entry: a change regroups only the stretch
 * of its certificate's SNIs between the two nearest line ends it leaves in
 * place (crt-list.ts, endsLine), and the file's text is its lines' chunks
 * joined (map-chunks.ts). Owned by the running index and patched in place:
 * a commit that fails drops the index, and this with it.
 */
export class CrtListLines {
  /** The entries naming each SNI, in crt-list order: one alone shares lines, several keep a line each. */
  private readonly bySni = new Map<string, CrtListEntry[]>();
  private readonly streams = new Map<string, Stream>();
  private lines: MapChunks;

  /** From entries in crt-list order (a model's crtList). */
  constructor(sorted: readonly CrtListEntry[]) {
    for (const e of sorted) {
      const named = this.bySni.get(e.sni);
      if (named) named.push(e);
      else this.bySni.set(e.sni, [e]);
    }
    for (const [sni, named] of this.bySni) if (named.length === 1) this.stream(named[0] as CrtListEntry).snis.push(sni);
    this.lines = MapChunks.of(
      groupedCrtListLines(sorted).map((line) => ({ key: lineKey(line), value: crtListLineText(line) })),
      CRT_LIST_LINES,
    );
  }

  text(): string {
    return this.lines.text();
  }

  /** The text in pieces (MapChunks.pieces). */
  pieces(): readonly string[] {
    return this.lines.pieces();
  }

  /** The lines' texts from the file as a full render wrote it (MapChunks.adoptText). */
  adoptText(text: string): boolean {
    return this.lines.adoptText(text);
  }

  /** Entries leave and arrive (each named by crtListLine; one that is not there is ignored). */
  patch(removed: readonly CrtListEntry[], added: readonly CrtListEntry[]): void {
    const touched = new Set([...removed, ...added].map((e) => e.sni));
    // Copies: the lists are changed in place.
    const before = new Map([...touched].map((sni) => [sni, [...(this.bySni.get(sni) ?? [])]]));
    for (const e of removed) this.name(e, -1);
    for (const e of added) this.name(e, +1);
    const gone = new Map<string, string | undefined>();
    const come = new Map<string, string>();
    // Stream -> the SNIs that join or leave it.
    const moves = new Map<string, { stream: Stream; snis: Set<string>; leaving: Set<string>; joining: Set<string> }>();
    const move = (e: CrtListEntry) => {
      const key = streamKey(e);
      let m = moves.get(key);
      if (!m) moves.set(key, (m = { stream: this.stream(e), snis: new Set(), leaving: new Set(), joining: new Set() }));
      m.snis.add(e.sni);
      return m;
    };
    for (const sni of touched) {
      const was = before.get(sni) as CrtListEntry[];
      const now = this.bySni.get(sni) ?? [];
      for (const e of was) if (was.length > 1) gone.set(lineKey({ certFile: e.certFile, alpn: e.alpn, snis: [sni] }), undefined);
      for (const e of now) if (now.length > 1) come.set(lineKey({ certFile: e.certFile, alpn: e.alpn, snis: [sni] }), crtListLine(e));
      const left = was.length === 1 ? (was[0] as CrtListEntry) : undefined;
      const joins = now.length === 1 ? (now[0] as CrtListEntry) : undefined;
      if (left && joins && crtListLine(left) === crtListLine(joins)) continue;
      if (left) move(left).leaving.add(sni);
      if (joins) move(joins).joining.add(sni);
    }
    for (const { stream, snis, leaving, joining } of moves.values()) this.regroup(stream, snis, leaving, joining, gone, come);
    for (const [key, text] of come) gone.set(key, text);
    this.lines = this.lines.patched(gone);
    for (const [key, { stream }] of moves) if (stream.snis.length === 0) this.streams.delete(key);
  }

  /**
   * A stream's SNIs change: the stretches around them, each between two
   * line ends none of the changes touches (or an end of the stream), have
   * their lines taken out and grouped again.
   */
  private regroup(stream: Stream, changed: ReadonlySet<string>, leaving: ReadonlySet<string>, joining: ReadonlySet<string>, gone: Map<string, string | undefined>, come: Map<string, string>): void {
    const stays = (sni: string) => endsLine(sni) && !changed.has(sni);
    const entries = (snis: readonly string[]) => snis.map((sni) => ({ certFile: stream.certFile, alpn: stream.alpn, sni }));
    // Each stretch by the line end before it and the one that closes it (undefined: an end of the stream).
    const stretches = new Map<string | undefined, string | undefined>();
    const snis = stream.snis;
    for (const sni of changed) {
      let from = lowerBound(snis, sni);
      while (from > 0 && !stays(snis[from - 1] as string)) from--;
      let to = lowerBound(snis, sni);
      while (to < snis.length && !stays(snis[to] as string)) to++;
      stretches.set(snis[from - 1], snis[to]);
    }
    const bounds = (snis: readonly string[], after: string | undefined, through: string | undefined) =>
      snis.slice(after === undefined ? 0 : lowerBound(snis, after) + 1, through === undefined ? snis.length : lowerBound(snis, through) + 1);
    const lines = () => [...stretches].flatMap(([after, through]) => streamLines(entries(bounds(snis, after, through))));
    for (const line of lines()) gone.set(lineKey(line), undefined);
    // In place: the stretches' bounds stay where they were.
    for (const sni of leaving) snis.splice(lowerBound(snis, sni), 1);
    for (const sni of joining) snis.splice(lowerBound(snis, sni), 0, sni);
    for (const line of lines()) come.set(lineKey(line), crtListLineText(line));
  }

  private stream(e: CrtListEntry): Stream {
    const key = streamKey(e);
    let stream = this.streams.get(key);
    if (!stream) this.streams.set(key, (stream = { certFile: e.certFile, alpn: e.alpn, snis: [] }));
    return stream;
  }

  /** Counts an entry in or out of those naming its SNI. */
  private name(e: CrtListEntry, delta: 1 | -1): void {
    const named = this.bySni.get(e.sni) ?? [];
    const line = crtListLine(e);
    const at = named.findIndex((n) => crtListLine(n) === line);
    if (delta > 0 && at < 0) {
      named.push(e);
      named.sort(compareCrtListEntries);
    } else if (delta < 0 && at >= 0) named.splice(at, 1);
    if (named.length > 0) this.bySni.set(e.sni, named);
    else this.bySni.delete(e.sni);
  }
}
