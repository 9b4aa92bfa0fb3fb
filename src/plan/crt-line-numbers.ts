import { compareCrtListEntries } from '../config/build-model.ts';
import { crtListLine, entriesOfLine, groupCrtListLines, type CrtListLine } from '../config/crt-list.ts';
import type { CrtListEntry } from '../config/model.ts';
import type { RuntimeCommand } from './commands.ts';
import { lowerBound } from '../domain/sorted-arrays.ts';

/** The lines of the file haproxy loaded, and where each entry of the list is among them. */
interface LoadedLines {
  lines: readonly CrtListLine[];
  /** Entry's index in the list -> index of its line. */
  lineOf: Int32Array;
  /** Only for a list not in crt-list order (tests): entry (crtListLine) -> line number. */
  byEntry: Map<string, number> | undefined;
}

/**
 * The numbers haproxy 2.6 gives the lines of the crt-list, which `del ssl
 * crt-list <list> <file>:<number>` needs once a certificate file is on
 * several lines (one certificate shared by many routes). A line loaded
 * from the file has its line number there; each `add ssl crt-list` takes
 * the number after the highest the list has given, and a deleted line's
 * number is never given again (checked against haproxy 2.6.12 by the
 * certificate contract). A line may hold several entries (config/crt-list.ts).
 */
export interface CrtLineNumbers {
  /** The highest number the list has given. */
  readonly last: number;
  /** The number of the line holding `entry` (named by crtListLine), if any. */
  lineOf(entry: CrtListEntry): number | undefined;
  /** The entries of line `number`, which go with it when it is deleted. */
  members(number: number): readonly CrtListEntry[] | undefined;
  /** haproxy ran `add ssl crt-list` with `entries`: a line of the next number holds them. */
  lineAdded(entries: readonly CrtListEntry[]): void;
  /** haproxy ran `del ssl crt-list` of line `number` (`entry` among its members): its entries are on no line any more. */
  lineDeleted(number: number, entry: CrtListEntry): void;
}

/**
 * The numbers of a loaded file: worked out from the list when first asked for,
 * and an entry's is found by a binary search of the list: a map of every
 * entry cost 130-210 ms at 100,000 routes (a string per entry), paid by the
 * first certificate change after each load and by every full commit's
 * plan (BENCHMARKS.md, issue #12). What runtime commands changed since is
 * kept beside them.
 */
class LoadedLineNumbers implements CrtLineNumbers {
  private loadedLines: LoadedLines | undefined;
  /** Entries (crtListLine) a line added live holds, with its number; 0: the line went, and the entry is on none. */
  private readonly moved = new Map<string, number>();
  /** Lines added live, by number. */
  private readonly added = new Map<number, readonly CrtListEntry[]>();
  /** Loaded lines deleted live. */
  private readonly deleted = new Set<number>();
  private given: number | undefined;

  /** `crtList`: the entries the loaded file holds, grouped into lines as groupedCrtListLines groups them; never changed. */
  constructor(private readonly crtList: readonly CrtListEntry[]) {}

  get last(): number {
    return this.given ?? this.loaded().lines.length;
  }

  lineOf(entry: CrtListEntry): number | undefined {
    const moved = this.moved.size === 0 ? undefined : this.moved.get(crtListLine(entry));
    if (moved !== undefined) return moved === 0 ? undefined : moved;
    const number = this.loadedLineOf(entry);
    return number !== undefined && !this.deleted.has(number) ? number : undefined;
  }

  members(number: number): readonly CrtListEntry[] | undefined {
    const added = this.added.get(number);
    if (added) return added;
    const loaded = this.loaded().lines;
    return number >= 1 && number <= loaded.length && !this.deleted.has(number) ? entriesOfLine(loaded[number - 1] as CrtListLine) : undefined;
  }

  lineAdded(entries: readonly CrtListEntry[]): void {
    const number = this.last + 1;
    this.given = number;
    this.added.set(number, entries);
    for (const e of entries) this.moved.set(crtListLine(e), number);
  }

  lineDeleted(number: number, entry: CrtListEntry): void {
    for (const e of this.members(number) ?? [entry]) {
      if (this.lineOf(e) === number) this.moved.set(crtListLine(e), 0);
    }
    if (!this.added.delete(number)) this.deleted.add(number);
  }

  private loadedLineOf(entry: CrtListEntry): number | undefined {
    const { lineOf, byEntry } = this.loaded();
    if (byEntry) return byEntry.get(crtListLine(entry));
    // The last entry of the list equal to `entry` (the place after the last one not above it): a map of them would have kept the last line named.
    const at = lowerBound(this.crtList, entry, (a, b) => (compareCrtListEntries(a, b) <= 0 ? -1 : 1)) - 1;
    return at >= 0 && compareCrtListEntries(this.crtList[at] as CrtListEntry, entry) === 0 ? (lineOf[at] as number) + 1 : undefined;
  }

  private loaded(): LoadedLines {
    this.loadedLines ??= loadedLinesOf(this.crtList);
    return this.loadedLines;
  }
}

/**
 * The grouping of each list, kept while the list lives: lists are never
 * changed (a patch makes a new one), and the planner and the record of the
 * commands it ran each ask about the same running list.
 */
const groupings = new WeakMap<readonly CrtListEntry[], LoadedLines>();

function loadedLinesOf(crtList: readonly CrtListEntry[]): LoadedLines {
  const known = groupings.get(crtList);
  if (known) return known;
  const { lines, lineOf } = groupCrtListLines(crtList);
  let byEntry: Map<string, number> | undefined;
  for (let i = 1; i < crtList.length && !byEntry; i++) {
    if (compareCrtListEntries(crtList[i - 1] as CrtListEntry, crtList[i] as CrtListEntry) > 0) byEntry = new Map();
  }
  if (byEntry) crtList.forEach((e, i) => byEntry.set(crtListLine(e), (lineOf[i] as number) + 1));
  const loaded = { lines, lineOf, byEntry };
  groupings.set(crtList, loaded);
  return loaded;
}

/**
 * Works out the numbers of a list haproxy just loaded ahead of the first
 * question, in an idle turn after the load rather than on the first
 * certificate change (30-70 ms at 100,000 routes, cold).
 */
export function numberLoadedLines(crtList: readonly CrtListEntry[]): void {
  loadedLinesOf(crtList);
}

/** The numbers of a crt-list haproxy has just loaded: the rendered file holds `crtList` grouped into lines as groupedCrtListLines groups them. */
export function loadedLineNumbers(crtList: readonly CrtListEntry[]): CrtLineNumbers {
  return new LoadedLineNumbers(crtList);
}

/**
 * The numbers once haproxy has run `commands` (in order, every one
 * successfully). `numbers` is taken over: it is updated in place, as
 * copying cost every certificate change the number of edge routes
 * (BENCHMARKS.md), so only the result may be read afterwards.
 */
export function lineNumbersAfter(numbers: CrtLineNumbers, commands: readonly RuntimeCommand[]): CrtLineNumbers {
  for (const c of commands) {
    if (c.kind === 'add-crt-list') numbers.lineAdded(c.entries);
    else if (c.kind === 'del-crt-list') numbers.lineDeleted(c.line, c.entry);
  }
  return numbers;
}
