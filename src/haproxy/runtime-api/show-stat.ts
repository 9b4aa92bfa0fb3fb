/**
 * `show stat` on the worker's admin socket: haproxy's statistics as CSV,
 * one row per frontend, backend, server and listener. Columns are kept by
 * number (0-based), the way openshift-router's ROUTER_METRICS_HAPROXY_EXPORTED
 * names them; their meaning is haproxy's stable stats API.
 */
import { socketCommand } from './socket-command.ts';

export type StatRow = readonly string[];

/** Columns every reader needs. */
export const STAT_COLUMN = { proxy: 0, service: 1, status: 17, type: 32 } as const;

/** Values of the `type` column. */
export const STAT_TYPE = { frontend: '0', backend: '1', server: '2', listener: '3' } as const;

/** haproxy 1.5 had 52 columns; a row with fewer is not one haproxy wrote (openshift-router's check). */
export const MIN_STAT_COLUMNS = 52;

export interface ShowStat {
  rows: StatRow[];
  /** Rows that could not be read as CSV of at least MIN_STAT_COLUMNS fields. */
  malformed: number;
}

/** One CSV line; haproxy quotes a field (with "" for a quote) only when it holds a comma or a quote. */
function csvFields(line: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const end = line.indexOf('"', i);
        if (end === -1) return undefined;
        value += line.slice(i, end);
        if (line[end + 1] !== '"') {
          i = end + 1;
          break;
        }
        value += '"';
        i = end + 2;
      }
      fields.push(value);
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      const end = line.indexOf(',', i);
      fields.push(line.slice(i, end === -1 ? line.length : end));
      i = end === -1 ? line.length : end;
    }
    if (i >= line.length) return fields;
    i++;
  }
}

/** The data lines of a `show stat` reply; throws when the reply is not that CSV (an error message, an empty reply). */
export function showStatLines(text: string): string[] {
  if (!text.startsWith('# pxname,svname,')) throw new Error(`unexpected show stat reply: ${JSON.stringify(text.slice(0, 200))}`);
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

/** One data line as fields, or undefined when it is not CSV of at least MIN_STAT_COLUMNS fields. */
export function parseStatLine(line: string): StatRow | undefined {
  // Quotes are rare (a check description with a comma): most lines take the native split.
  const fields = line.includes('"') ? csvFields(line) : line.split(',');
  return fields && fields.length >= MIN_STAT_COLUMNS ? fields : undefined;
}

export function parseShowStat(text: string): ShowStat {
  const rows: StatRow[] = [];
  let malformed = 0;
  for (const line of showStatLines(text)) {
    const row = parseStatLine(line);
    if (row) rows.push(row);
    else malformed++;
  }
  return { rows, malformed };
}

/** `show stat` over a connection of its own, so a large reply never holds up the runtime updates on the commit path. */
export function readShowStat(adminSocket: string, timeoutMs: number): Promise<string> {
  return socketCommand(adminSocket, 'show stat', timeoutMs);
}
