import type { CrtListEntry } from './model.ts';

/**
 * The crt-list file name as the `fe_sni` bind line gives it. haproxy's
 * runtime API knows a crt-list by exactly that string (`show ssl crt-list`
 * lists `cert_config.map`, not an absolute path: `default-path config`
 * resolves it without rewriting it), so `add/del ssl crt-list` name it so.
 */
export const CRT_LIST_FILE = 'cert_config.map';

/**
 * One entry as a line of its own, `<cert file> [ssl options] <sni filter>`:
 * the entry's identity wherever entries are compared or counted.
 */
export function crtListLine(entry: CrtListEntry): string {
  return `${entry.certFile}${entry.alpn ? ' [alpn h2,http/1.1]' : ''} ${entry.sni}`;
}

/** A line of the crt-list file: one certificate and options, for one or more SNIs. */
export interface CrtListLine {
  certFile: string;
  alpn: boolean;
  snis: readonly string[];
}

/**
 * haproxy builds an SSL context per crt-list line (per bind line using the
 * list), and with OpenSSL 3 that is most of the cost of loading many
 * routes on one certificate: 3,500 one-SNI lines of one wildcard
 * certificate took about half of `haproxy -c` at 10,000 routes. Lines
 * stay short, though: a line goes whole, so when one of its SNIs leaves at
 * runtime the others are sent again on a new line of their own, and that
 * request must fit the CLI's buffer.
 */
export const MAX_SNIS_PER_LINE = 64;
export const MAX_LINE_CHARS = 4096;

/** The text of a line, as the rendered crt-list holds it and `add ssl crt-list` sends it. */
export function crtListLineText(line: CrtListLine): string {
  return `${line.certFile}${line.alpn ? ' [alpn h2,http/1.1]' : ''} ${line.snis.join(' ')}`;
}

/** The line holding exactly `entries` (all of one certificate file and options). */
export function lineOfEntries(entries: readonly CrtListEntry[]): CrtListLine {
  const [first] = entries;
  if (!first) throw new Error('crt-list: a line needs at least one entry');
  for (const e of entries) {
    if (e.certFile !== first.certFile || e.alpn !== first.alpn) throw new Error(`crt-list: ${crtListLine(e)} cannot share a line with ${crtListLine(first)}`);
  }
  return { certFile: first.certFile, alpn: first.alpn, snis: entries.map((e) => e.sni) };
}

/** The entries a line holds, one per SNI. */
export function entriesOfLine(line: CrtListLine): CrtListEntry[] {
  return line.snis.map((sni) => ({ certFile: line.certFile, sni, alpn: line.alpn }));
}

/**
 * One SNI in this many ends its line (by a hash of its text), whatever
 * comes after it: where lines break then depends on the SNIs around a
 * change, not on everything before it, so an SNI added or removed changes
 * the lines of its own stretch of the list (crt-list-lines.ts keeps them
 * so) instead of shifting every later line of its certificate. A
 * certificate's SNIs take about this many per line, up to the caps.
 */
export const SNIS_PER_BREAK = 32;

/** Whether the line holding `sni` ends with it (FNV-1a of its characters). */
export function endsLine(sni: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < sni.length; i++) hash = Math.imul(hash ^ sni.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SNIS_PER_BREAK === 0;
}

/** An entry placed on its stream's open line when there is room, else on a fresh line (returned then). */
function place(open: OpenLine | undefined, e: CrtListEntry, index: number): OpenLine | undefined {
  if (open && open.snis.length < MAX_SNIS_PER_LINE && open.chars + 1 + e.sni.length <= MAX_LINE_CHARS) {
    open.snis.push(e.sni);
    open.chars += 1 + e.sni.length;
    return undefined;
  }
  return { certFile: e.certFile, alpn: e.alpn, snis: [e.sni], chars: crtListLine(e).length, index };
}

/**
 * The lines of a stretch of one certificate file's (and options') entries
 * that share lines, the stretch starting after a line ended (or at the
 * first of them), as groupedCrtListLines puts them.
 */
export function streamLines(entries: readonly CrtListEntry[]): CrtListLine[] {
  const lines: OpenLine[] = [];
  let open: OpenLine | undefined;
  for (const e of entries) {
    const fresh = place(open, e, lines.length);
    if (fresh) lines.push((open = fresh));
    if (endsLine(e.sni)) open = undefined;
  }
  return lines.map(({ certFile, alpn, snis }) => ({ certFile, alpn, snis }));
}

/**
 * The lines of the crt-list file for `entries` (in crt-list order):
 * entries of one certificate file and options share lines, in the order of
 * their first entries. Only SNIs named once may: when several entries name
 * an SNI, haproxy picks among them by line order, so each of those keeps a
 * line of its own in the entries' order. Every other SNI matches one line
 * only, wherever it is.
 */
export function groupedCrtListLines(entries: readonly CrtListEntry[]): CrtListLine[] {
  return groupCrtListLines(entries).lines;
}

/** groupedCrtListLines, with the index of the line each entry went to (by the entry's index). */
export function groupCrtListLines(entries: readonly CrtListEntry[]): { lines: CrtListLine[]; lineOf: Int32Array } {
  const shared = sharedSnis(entries);
  const lines: OpenLine[] = [];
  const lineOf = new Int32Array(entries.length);
  // The line still taking SNIs, per certificate file: without ALPN, with it.
  const open = new Map<string, [OpenLine | undefined, OpenLine | undefined]>();
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i] as CrtListEntry;
    if (shared.has(e.sni)) {
      lineOf[i] = lines.push({ certFile: e.certFile, alpn: e.alpn, snis: [e.sni], chars: 0, index: lines.length }) - 1;
      continue;
    }
    let slots = open.get(e.certFile);
    if (!slots) open.set(e.certFile, (slots = [undefined, undefined]));
    const slot = e.alpn ? 1 : 0;
    const fresh = place(slots[slot], e, lines.length);
    if (fresh) lines.push((slots[slot] = fresh));
    lineOf[i] = (slots[slot] as OpenLine).index;
    if (endsLine(e.sni)) slots[slot] = undefined;
  }
  return { lines: lines.map(({ certFile, alpn, snis }) => ({ certFile, alpn, snis })), lineOf };
}

interface OpenLine {
  certFile: string;
  alpn: boolean;
  snis: string[];
  chars: number;
  /** Its place among the lines. */
  index: number;
}

/**
 * The SNIs several entries name. In crt-list order (compareCrtListEntries:
 * by SNI first) those entries are neighbours, so one pass finds them
 * without a set of every SNI; entries in any other order are counted.
 */
function sharedSnis(entries: readonly CrtListEntry[]): Set<string> {
  const shared = new Set<string>();
  let previous: string | undefined;
  for (const e of entries) {
    if (previous !== undefined && previous > e.sni) return countedShared(entries);
    if (previous === e.sni) shared.add(e.sni);
    previous = e.sni;
  }
  return shared;
}

function countedShared(entries: readonly CrtListEntry[]): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.sni)) shared.add(e.sni);
    else seen.add(e.sni);
  }
  return shared;
}
