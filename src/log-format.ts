/**
 * How one log record becomes one line of output, in either format. Pure:
 * the logger (log.ts) decides where lines go.
 */

/** A record as the reporters see it (consola's LogObject, reduced to what a line needs). */
export interface LogRecordInput {
  date: Date;
  /** consola's type: `info`, `warn`, `error`, `debug`, `trace`, ... */
  type: string;
  /** consola's numeric level: 0 error, 1 warn, 3 info, 4 debug, 5 trace. */
  level: number;
  tag: string;
  args: readonly unknown[];
}

/**
 * Where pretty lines are read: a terminal (colours, local time), the systemd
 * journal (which stamps each record itself and reads its priority from a
 * `<N>` prefix), or anything else (a pipe, a file: ISO time, no colours).
 */
export type PrettyStyle = 'tty' | 'journal' | 'plain';

/**
 * Characters that could forge, hide or reorder log lines when outside text
 * (a tenant's object name, a manifest's contents, haproxy's words, a client's
 * request line) is logged: C0 controls but tab and newline (ESC starts
 * terminal escapes, CR overwrites a line), DEL, C1 controls (U+0085 breaks
 * lines in some viewers), Unicode line and paragraph separators, and
 * bidirectional controls. JSON.stringify escapes only C0.
 */
const UNSAFE_IN_LOGS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const HAS_UNSAFE = new RegExp(UNSAFE_IN_LOGS.source);

/** Every message is escaped the same way, whatever part of it came from outside: names cannot end or forge a line. */
export function escapeLogText(text: string): string {
  // Most text has nothing to escape, and a test is much cheaper than a replace (access logs pass here by the thousand).
  if (!HAS_UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_IN_LOGS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Lines after the first of a message are indented, so no text in a message
 * can pass for a record of its own (journald stores each line as a record).
 */
const CONTINUATION = '\n    ';

/** A trailing plain object is the record's fields (`log.info('msg', { namespace })`), not part of the message. */
function split(args: readonly unknown[]): { parts: readonly unknown[]; fields: Record<string, unknown> | undefined } {
  const last = args.at(-1);
  const isFields = args.length > 1 && last !== null && typeof last === 'object' && !(last instanceof Error) && !Array.isArray(last);
  return isFields ? { parts: args.slice(0, -1), fields: last as Record<string, unknown> } : { parts: args, fields: undefined };
}

function messageOf(parts: readonly unknown[]): string {
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  return parts.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
}

const JSON_CONTROL = /[\x00-\x1f]/;

/**
 * A string as JSON. Access-log lines come by the thousand a second, and
 * Bun's JSON.stringify (or a regex replace) takes microseconds on each;
 * native searches and a split on quotes, the one thing haproxy's lines
 * need escaped, are several times cheaper. Anything else goes the slow way.
 */
function jsonString(text: string): string {
  if (text.includes('\\') || JSON_CONTROL.test(text)) return JSON.stringify(text);
  return `"${text.includes('"') ? text.split('"').join('\\"') : text}"`;
}

const jsonValue = (value: unknown) => (typeof value === 'string' ? jsonString(escapeLogText(value)) : JSON.stringify(value));

/** The record's own keys; fields of the same names do not replace them. */
const RECORD_KEYS = new Set(['ts', 'level', 'tag', 'msg', 'stack']);

/**
 * One JSON object, so journald and log shippers parse router and haproxy
 * lines alike; consola has no JSON reporter. Written out key by key rather
 * than through an object: access logs come through here by the thousand.
 */
export function jsonLine(o: LogRecordInput, isoDate = o.date.toISOString()): string {
  const { parts, fields } = split(o.args);
  let line = `{"ts":"${isoDate}","level":${jsonString(o.type)}`;
  if (o.tag) line += `,"tag":${jsonString(o.tag)}`;
  line += `,"msg":${jsonValue(messageOf(parts))}`;
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined || RECORD_KEYS.has(key)) continue;
    line += `,${jsonString(key)}:${jsonValue(value)}`;
  }
  for (const arg of o.args) if (arg instanceof Error && arg.stack) return `${line},"stack":${JSON.stringify(arg.stack)}}\n`;
  return `${line}}\n`;
}

/** syslog priorities of consola's levels, for the journal's `<N>` prefix. */
function syslogPriority(level: number): number {
  if (level <= 0) return 3;
  if (level === 1) return 4;
  return level >= 4 ? 7 : 6;
}

const LEVEL_LABEL: Readonly<Record<string, string>> = { error: 'ERROR', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG', trace: 'TRACE' };
const LEVEL_COLOUR: Readonly<Record<string, string>> = { error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[36m', debug: '\x1b[90m', trace: '\x1b[90m' };
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** A terminal's time of a record: local, to the millisecond. */
export function localTime(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** ` key=value` for each field, values quoted when they hold spaces or quotes. */
function fieldsText(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  let text = '';
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    text += ` ${key}=${/[ \t"]/.test(shown) ? JSON.stringify(shown) : shown}`;
  }
  return text;
}

/**
 * One record as one line (continuation lines indented), without the blank
 * lines consola's own reporter puts around warnings and errors.
 */
export function prettyLine(o: LogRecordInput, style: PrettyStyle, isoDate?: string): string {
  const { parts, fields } = split(o.args);
  const text = escapeLogText(messageOf(parts) + fieldsText(fields));
  const body = text.includes('\n') ? text.replaceAll('\n', CONTINUATION) : text;
  const tag = o.tag ? `[${o.tag}] ` : '';
  const label = LEVEL_LABEL[o.type] ?? o.type.toUpperCase().padEnd(5);
  switch (style) {
    case 'journal':
      return `<${syslogPriority(o.level)}>${tag}${body}\n`;
    case 'tty':
      return `${DIM}${localTime(o.date)}${RESET} ${LEVEL_COLOUR[o.type] ?? ''}${label}${RESET} ${tag}${body}\n`;
    case 'plain':
      return `${isoDate ?? o.date.toISOString()} ${label} ${tag}${body}\n`;
  }
}
