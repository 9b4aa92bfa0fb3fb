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

/** The numbers once haproxy has run `commands` (in order, every one successfully). */
export function lineNumbersAfter(numbers: CrtLineNumbers, commands: readonly RuntimeCommand[]): CrtLineNumbers {
  let lines: Map<string, number> | undefined;
  let members: Map<number, readonly CrtListEntry[]> | undefined;
  let last = numbers.last;
  for (const c of commands) {
    if (c.kind !== 'add-crt-list' && c.kind !== 'del-crt-list') continue;
    lines ??= new Map(numbers.lines);
    members ??= new Map(numbers.members);
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
  return lines && members ? { lines, members, last } : numbers;
}
