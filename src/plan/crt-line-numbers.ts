import { crtListLine } from '../config/crt-list.ts';
import type { CrtListEntry } from '../config/model.ts';
import type { RuntimeCommand } from './commands.ts';

/**
 * The numbers haproxy 2.6 gives the lines of the crt-list, which `del ssl
 * crt-list <list> <file>:<number>` needs once a certificate file is on
 * several lines (one certificate shared by many routes). A line loaded
 * from the file has its line number there; each `add ssl crt-list` takes
 * the number after the highest the list has given, and a deleted line's
 * number is never given again (checked against haproxy 2.6.12 by the
 * certificate contract).
 */
export interface CrtLineNumbers {
  /** crt-list line (crtListLine) -> its number. */
  readonly lines: ReadonlyMap<string, number>;
  /** The highest number the list has given. */
  readonly last: number;
}

/** The numbers of a crt-list haproxy has just loaded: the rendered file holds `crtList` in order, one line each. */
export function loadedLineNumbers(crtList: readonly CrtListEntry[]): CrtLineNumbers {
  return { lines: new Map(crtList.map((e, i) => [crtListLine(e), i + 1])), last: crtList.length };
}

/** The numbers once haproxy has run `commands` (in order, every one successfully). */
export function lineNumbersAfter(numbers: CrtLineNumbers, commands: readonly RuntimeCommand[]): CrtLineNumbers {
  let lines: Map<string, number> | undefined;
  let last = numbers.last;
  for (const c of commands) {
    if (c.kind !== 'add-crt-list' && c.kind !== 'del-crt-list') continue;
    lines ??= new Map(numbers.lines);
    if (c.kind === 'add-crt-list') lines.set(crtListLine(c.entry), ++last);
    else lines.delete(crtListLine(c.entry));
  }
  return lines ? { lines, last } : numbers;
}
