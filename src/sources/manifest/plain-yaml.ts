/**
 * Recognises the plain block YAML that manifests are written in, so the
 * parser can hand it to Bun's built-in YAML parser (about 15x faster than
 * `yaml`, and without its syntax tree in memory) and keep `yaml` for the
 * rest. The two agree on plain YAML but not everywhere: Bun takes the last of
 * two equal keys where `yaml` (and kubectl) refuse the file, merges `<<`
 * keys, honours no `%YAML` directive, resolves some tags and signed hex
 * differently, and gives no line and column in its errors. So a file goes to
 * Bun only when every line is in the subset below and no mapping repeats a
 * key; anything else, an error included, goes to `yaml`, which decides.
 *
 * The subset: documents separated by `---` lines; block mappings (a document
 * is one, at column 0) with string keys; block sequences (also at their
 * key's indentation); values that are plain or quoted scalars, flow
 * collections closed on their line, or `|`/`>` block scalars; comments and
 * blank lines. No tabs, CRs, anchors, aliases, tags, directives, `...`,
 * complex keys or multi-line plain, quoted or flow scalars.
 */
import { restIsEmpty, scanInlineValue, scanKey } from './plain-yaml-nodes.ts';

interface Container {
  indent: number;
  /** Keys seen, for a mapping; undefined for a sequence. */
  keys: Set<string> | undefined;
}

/** Thrown inside the recogniser for a line outside the subset. */
class NotPlain extends Error {}
const notPlain = (): never => {
  throw new NotPlain();
};

const BLOCK_HEADER = /^[|>][+-]?(\s+#.*)?$/;

const isDash = (s: string, i: number) => s[i] === '-' && (s[i + 1] === ' ' || s[i + 1] === undefined);
/** The index of the first non-space at or after `from`. */
const skipSpaces = (line: string, from = 0) => {
  let i = from;
  while (line.charCodeAt(i) === 32) i++;
  return i;
};

/** Walks the lines of one file, keeping the open block collections. */
class Recogniser {
  readonly docs: string[] = [];
  private stack: Container[] = [];
  /** A `key:` or `-` whose value starts on a later line: its indentation, and whether a key (which may own a sequence at its own indentation). */
  private pending: { indent: number; fromKey: boolean } | undefined;
  /** Inside a block scalar: the indentation its lines must exceed, and the first content line's. */
  private block: { parent: number; content: number | undefined } | undefined;
  private docStart = 0;

  constructor(private readonly text: string) {}

  run(): string[] {
    const { text } = this;
    if (text.includes('\r') || text.includes('\t')) notPlain();
    for (let start = 0; start <= text.length; ) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      this.line(text.slice(start, end), start, end);
      start = end + 1;
    }
    this.docs.push(text.slice(this.docStart));
    return this.docs;
  }

  private line(line: string, start: number, end: number): void {
    const indent = skipSpaces(line);
    if (this.block) {
      if (indent === line.length) {
        // Lines of spaces inside a block scalar are content whose treatment the parsers may not share.
        if (line.length > 0) notPlain();
        return;
      }
      if (indent > this.block.parent) {
        this.block.content ??= indent;
        if (indent < this.block.content) notPlain();
        return;
      }
      this.block = undefined;
    }
    if (indent === line.length || line[indent] === '#') return;
    if (indent === 0 && line.startsWith('---') && (line.length === 3 || line[3] === ' ')) {
      if (!restIsEmpty(line, 3)) notPlain();
      this.docs.push(this.text.slice(this.docStart, start));
      this.docStart = end + 1;
      this.stack = [];
      this.pending = undefined;
      return;
    }
    if (indent === 0 && (line.startsWith('...') || line.startsWith('%'))) notPlain();
    this.node(line, indent);
  }

  private node(line: string, indent: number): void {
    const dash = isDash(line, indent);
    const pending = this.pending;
    this.pending = undefined;
    if (pending && (indent > pending.indent || (pending.fromKey && dash && indent === pending.indent))) {
      this.stack.push({ indent, keys: dash ? undefined : new Set() });
    } else if (this.stack.length === 0) {
      // A document is one block mapping at column 0 (anything else is an error the parser must name).
      if (indent !== 0 || dash) notPlain();
      this.stack.push({ indent: 0, keys: new Set() });
    }
    const stack = this.stack;
    while (stack.length > 0 && (stack[stack.length - 1] as Container).indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    // A key after a sequence that sat at its key's indentation closes the sequence.
    if (top && !top.keys && !dash && top.indent === indent && stack[stack.length - 2]?.indent === indent) {
      stack.pop();
      top = stack[stack.length - 1];
    }
    if (!top || top.indent !== indent || !top.keys !== dash) notPlain();
    if (dash) this.entry(line, indent);
    else this.keyValue(line, indent, top?.keys ?? notPlain());
  }

  /** `- value`, `- key: value` (a mapping at the entry's column) or `-` alone. */
  private entry(line: string, indent: number): void {
    const col = skipSpaces(line, indent + 1);
    if (col >= line.length || line[col] === '#') {
      this.pending = { indent, fromKey: false };
    } else if (isDash(line, col)) {
      notPlain();
    } else if (scanKey(line, col)) {
      const keys = new Set<string>();
      this.stack.push({ indent: col, keys });
      this.keyValue(line, col, keys);
    } else {
      this.value(line, col, indent, false);
    }
  }

  private keyValue(line: string, indent: number, keys: Set<string>): void {
    const { key, end } = scanKey(line, indent) ?? notPlain();
    if (keys.has(key)) notPlain();
    keys.add(key);
    this.value(line, skipSpaces(line, end), indent, true);
  }

  /** The value at `at` of a key or entry owned by the collection at `owner`. */
  private value(line: string, at: number, owner: number, fromKey: boolean): void {
    if (at >= line.length || line[at] === '#') {
      this.pending = { indent: owner, fromKey };
    } else if (line[at] === '|' || line[at] === '>') {
      if (!BLOCK_HEADER.test(line.slice(at))) notPlain();
      this.block = { parent: owner, content: undefined };
    } else if (!scanInlineValue(line, at)) {
      notPlain();
    }
  }
}

/**
 * The texts of the documents of `text` (each still to be parsed; empty or
 * comment-only ones included) when the file is plain YAML as described in
 * the module comment, with no repeated key; undefined otherwise.
 */
export function splitPlainYaml(text: string): string[] | undefined {
  try {
    return new Recogniser(text).run();
  } catch (e) {
    if (e instanceof NotPlain) return undefined;
    throw e;
  }
}
