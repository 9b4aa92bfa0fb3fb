/**
 * Single-line YAML nodes for the plain-YAML recogniser (`plain-yaml.ts`):
 * mapping keys, quoted scalars, plain scalars and flow collections, each
 * accepted only in forms that Bun's parser and `yaml` read alike. Every
 * function answers `undefined` for anything else, which sends the whole
 * file to `yaml`.
 */

/** First characters that make a plain scalar something else (or a form left to `yaml`). */
const INDICATORS = new Set('-?:,[]{}#&*!|>\'"%@`');
const NON_STRING_KEYS = new Set(['true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'null', 'Null', 'NULL']);
/** Double-quoted escapes both parsers decode the same way. */
const ESCAPES = new Set('\\"/bfnrtux0');

/** Where a node ends (the index after it) and, for scalars, its text. */
interface Scanned {
  end: number;
  text?: string;
}

/** A mapping key: where it ends (after its colon) and its text. */
export interface ScannedKey {
  end: number;
  key: string;
}

const isBlank = (c: string | undefined) => c === ' ' || c === undefined;

/**
 * A plain key that resolves to a string in every parser (`[A-Za-z_][A-Za-z0-9_./-]*`);
 * `true`, `null`, `1`, `~` and the like are left to `yaml`. Hand-written: this runs for every line.
 */
function isStringKey(key: string): boolean {
  if (key.length === 0) return false;
  for (let j = 0; j < key.length; j++) {
    const c = key.charCodeAt(j);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) continue;
    if (j > 0 && ((c >= 48 && c <= 57) || c === 46 || c === 47 || c === 45)) continue;
    return false;
  }
  return !NON_STRING_KEYS.has(key);
}

/** Signed hex and octal (`+0x1F`): `yaml` keeps them as strings, Bun reads numbers. */
function isSignedRadix(s: string, i: number): boolean {
  const sign = s[i];
  return (sign === '+' || sign === '-') && s[i + 1] === '0' && 'xXoO'.includes(s[i + 2] ?? '-');
}

/** `# ...` after whitespace, or nothing: what may follow a complete node on its line. */
export function restIsEmpty(s: string, i: number): boolean {
  let j = i;
  while (s.charCodeAt(j) === 32) j++;
  return j === s.length || (s[j] === '#' && j > i);
}

/** A quoted scalar starting at `i`, ending on this line; for keys, no escapes (their decoded text must be exact). */
export function scanQuoted(s: string, i: number, forKey = false): Scanned | undefined {
  const quote = s[i];
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (quote === '"' && c === '\\') {
      if (forKey || !ESCAPES.has(s[j + 1] ?? '')) return undefined;
      j++;
    } else if (c === quote) {
      if (quote === "'" && s[j + 1] === "'") {
        j++;
        continue;
      }
      const text = s.slice(i + 1, j);
      return { end: j + 1, text: quote === "'" ? text.replaceAll("''", "'") : text };
    }
  }
  return undefined;
}

/**
 * A block mapping key at `i` followed by `:` and a space or the end of the
 * line; `end` is the index after the colon. Undefined when the line is not
 * a `key:` line in the accepted forms.
 */
export function scanKey(s: string, i: number): ScannedKey | undefined {
  const c = s[i];
  if (c === '"' || c === "'") {
    const q = scanQuoted(s, i, true);
    return q && s[q.end] === ':' && isBlank(s[q.end + 1]) ? { end: q.end + 1, key: q.text ?? '' } : undefined;
  }
  let colon = s.indexOf(': ', i);
  if (colon < 0 && s.endsWith(':')) colon = s.length - 1;
  if (colon < 0) return undefined;
  let keyEnd = colon;
  while (keyEnd > i && s.charCodeAt(keyEnd - 1) === 32) keyEnd--;
  const key = s.slice(i, keyEnd);
  return isStringKey(key) ? { end: colon + 1, key } : undefined;
}

/** A plain scalar in block context from `i` to the end of the line (or a comment). */
function scanBlockPlain(s: string, i: number): Scanned | undefined {
  if (INDICATORS.has(s[i] ?? '') || isSignedRadix(s, i)) return undefined;
  const comment = s.indexOf(' #', i);
  const end = comment < 0 ? s.length : comment;
  // `a: b: c` and `a: b:` are errors in `yaml` and strings in Bun.
  const colon = s.indexOf(': ', i);
  if (colon >= 0 && colon < end) return undefined;
  let last = end - 1;
  while (s.charCodeAt(last) === 32) last--;
  return s[last] === ':' ? undefined : { end };
}

/**
 * A value after `key: ` or `- ` that ends on this line: a quoted or plain
 * scalar or a flow collection, then at most a comment. Block scalar
 * headers and empty values are the caller's business.
 */
export function scanInlineValue(s: string, i: number): boolean {
  const c = s[i];
  let node: Scanned | undefined;
  if (c === '"' || c === "'") node = scanQuoted(s, i);
  else if (c === '{' || c === '[') node = scanFlow(s, i);
  else node = scanBlockPlain(s, i);
  return node !== undefined && restIsEmpty(s, node.end);
}

const skipSpaces = (s: string, i: number) => {
  while (s[i] === ' ') i++;
  return i;
};

/** A plain scalar inside a flow collection: up to `,`, `]` or `}`, or for a key up to `: `. */
function scanFlowPlain(s: string, i: number, asKey: boolean): Scanned | undefined {
  if (INDICATORS.has(s[i] ?? '')) return undefined;
  let j = i;
  while (j < s.length && !',]}'.includes(s[j] ?? '')) {
    if (s[j] === ':' && isBlank(s[j + 1])) {
      if (asKey) break;
      return undefined;
    }
    if ('[{#'.includes(s[j] ?? '')) return undefined;
    j++;
  }
  const text = s.slice(i, j).trimEnd();
  if (asKey ? !isStringKey(text) : text === '' || isSignedRadix(text, 0)) return undefined;
  return { end: i + text.length, text };
}

function scanFlowNode(s: string, i: number): Scanned | undefined {
  const c = s[i];
  if (c === '{' || c === '[') return scanFlow(s, i);
  if (c === '"' || c === "'") return scanQuoted(s, i);
  return scanFlowPlain(s, i, false);
}

/**
 * A flow collection (`{a: 1, b: [x, y]}`) closed on this line, with
 * unique keys in each mapping; every mapping entry has a key, `: ` and a
 * value.
 */
export function scanFlow(s: string, i: number): Scanned | undefined {
  const close = s[i] === '{' ? '}' : ']';
  const keys = close === '}' ? new Set<string>() : undefined;
  let j = skipSpaces(s, i + 1);
  if (s[j] === close) return { end: j + 1 };
  for (;;) {
    if (keys) {
      const key = s[j] === '"' || s[j] === "'" ? scanQuoted(s, j, true) : scanFlowPlain(s, j, true);
      if (key?.text === undefined || keys.has(key.text) || s[key.end] !== ':' || s[key.end + 1] !== ' ') return undefined;
      keys.add(key.text);
      j = skipSpaces(s, key.end + 1);
    }
    const value = scanFlowNode(s, j);
    if (!value) return undefined;
    j = skipSpaces(s, value.end);
    if (s[j] === close) return { end: j + 1 };
    if (s[j] !== ',') return undefined;
    j = skipSpaces(s, j + 1);
    if (s[j] === close) return undefined;
  }
}
