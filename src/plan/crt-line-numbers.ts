import { crtListLine, entriesOfLine, groupedCrtListLines } from '../config/crt-list.ts';
import type { CrtListEntry } from '../config/model.ts';
import type { RuntimeCommand } from './commands.ts';

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
  /** Entry (crtListLine) -> the number of the line holding it. */
  readonly lines: ReadonlyMap<string, number>;
  /** Number -> the entries of that line, which go with it when it is deleted. */
  readonly members: ReadonlyMap<number, readonly CrtListEntry[]>;
  /** The highest number the list has given. */
  readonly last: number;
}

/** The numbers of a crt-list haproxy has just loaded: the rendered file holds `crtList` grouped into lines as groupedCrtListLines groups them. */
export function loadedLineNumbers(crtList: readonly CrtListEntry[]): CrtLineNumbers {
  const lines = new Map<string, number>();
  const members = new Map<number, CrtListEntry[]>();
  const grouped = groupedCrtListLines(crtList);
  grouped.forEach((line, i) => {
    const entries = entriesOfLine(line);
    members.set(i + 1, entries);
    for (const e of entries) lines.set(crtListLine(e), i + 1);
  });
  return { lines, members, last: grouped.length };
}

/**
 * The numbers once haproxy has run `commands` (in order, every one
 * successfully). `numbers` is taken over: its maps are updated in place,
 * as copying them cost every certificate change the number of edge routes
 * (BENCHMARKS.md), so only the result may be read afterwards.
 */
export function lineNumbersAfter(numbers: CrtLineNumbers, commands: readonly RuntimeCommand[]): CrtLineNumbers {
  const lines = numbers.lines as Map<string, number>;
  const members = numbers.members as Map<number, readonly CrtListEntry[]>;
  let last = numbers.last;
  let touched = false;
  for (const c of commands) {
    if (c.kind !== 'add-crt-list' && c.kind !== 'del-crt-list') continue;
    touched = true;
    if (c.kind === 'add-crt-list') {
      members.set(++last, c.entries);
      for (const e of c.entries) lines.set(crtListLine(e), last);
      continue;
    }
    for (const e of members.get(c.line) ?? [c.entry]) {
      const key = crtListLine(e);
      if (lines.get(key) === c.line) lines.delete(key);
    }
    members.delete(c.line);
  }
  return touched ? { lines, members, last } : numbers;
}
