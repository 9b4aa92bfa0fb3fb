import { describe, expect, test } from 'bun:test';
import { parseYamlExactly } from './parse-manifests.ts';
import { splitPlainYaml } from './plain-yaml.ts';

/** What Bun's parser makes of the documents the recogniser split off. */
function viaBun(docs: readonly string[]): unknown[] {
  return docs.map((d) => Bun.YAML.parse(d)).filter((v) => v !== null && v !== undefined);
}

/** The recogniser either refuses `text` or Bun reads it exactly as `yaml` does. */
function expectAgreement(text: string): boolean {
  const docs = splitPlainYaml(text);
  if (!docs) return false;
  expect(parseYamlExactly(text)).toEqual({ ok: true, objects: viaBun(docs) });
  return true;
}

describe('splitPlainYaml accepts plain YAML, which Bun reads as yaml does', () => {
  test.each([
    ['a manifest', 'apiVersion: v1\nkind: Route\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\nspec:\n  host: "web.test"\n  to: { kind: Service, name: web }\n'],
    ['documents, empty ones and comments', '---\n# c\nkind: A\n--- # second\nkind: B\n---\n---\n# only a comment\n'],
    ['sequences at their key\'s indentation and deeper', 'a:\n- x\n- y: 1\n  z: 2\nb:\n  - [1, 2]\n  -\n    c: d\n  -\nc: end\n'],
    ['block scalars with each chomping', 'a: |\n  one\n\n  two\n\nb: |-\n  x\nc: |+\n  y\n\n\nd: >\n  folded\n  text\n\n  para\ne: >-\n  z\n'],
    ['block scalar in a sequence entry and as an entry', 'l:\n  - k: |\n      text\n    m: n\n  - |\n    bare\n'],
    ['scalars', "s: plain text\nn: 42\nf: 1.5\nb: true\nz: null\nt: ~\no: 0o17\nh: 0x1F\nd: 2024-05-01\nq: \"esc\\t\\u00e9\\\\\"\nsq: 'it''s'\ne: ''\nu: http://x:80/a#frag\nc: v # comment\n"],
    ['flow collections', 'a: {x: 1, "y": [1, "two", {z: ok}], \'w\': []}\nb: []\nc: {}\nd: [a b, c]\n'],
    ['keys quoted and plain that differ', '"a b": 1\n\'c\': 2\nd: 3\n'],
    ['the same key in different mappings', 'a:\n  x: 1\nb:\n  x: 2\nl:\n  - x: 1\n  - x: 2\n'],
    ['empty file', ''],
    ['comment-only file', '# nothing\n'],
    ['no trailing newline', 'a: 1'],
  ])('%s', (_name, text) => {
    expect(expectAgreement(text)).toBe(true);
  });
});

describe('splitPlainYaml leaves the rest to yaml', () => {
  test.each([
    ['a repeated key', 'a: 1\na: 2\n'],
    ['a repeated key, quoted once', 'a: 1\n"a": 2\n'],
    ['a repeated key in a sequence entry', 'l:\n  - a: 1\n    a: 2\n'],
    ['a repeated key in a flow mapping', 'a: {x: 1, x: 2}\n'],
    ['keys that are not strings', 'true: 1\nTrue: 2\n'],
    ['a numeric key', '1: a\n'],
    ['merge keys', 'b: &b {x: 1}\nm:\n  <<: *b\n'],
    ['an anchor', 'a: &x 1\n'],
    ['an alias', 'a: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a directive', '%YAML 1.1\n---\na: yes\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['content after ---', '--- a: 1\n'],
    ['tabs', 'a:\t1\n'],
    ['CRLF', 'a: 1\r\n'],
    ['a multi-line plain scalar', 'a: one\n  two\n'],
    ['a multi-line quoted scalar', 'a: "one\n  two"\n'],
    ['a multi-line flow collection', 'a: [1,\n  2]\n'],
    ['a nested mapping on one line', 'a: b: c\n'],
    ['a top-level sequence', '- a\n- b\n'],
    ['a top-level scalar', 'hello\n'],
    ['an indented document', '  a: 1\n'],
    ['a compact nested sequence', 'a:\n  - - x\n'],
    ['a complex key', '? a\n: b\n'],
    ['signed hex, which the parsers read differently', 'a: +0x1F\n'],
    ['a block scalar indentation indicator', 'a: |2\n   x\n'],
    ['a less indented line in a block scalar', 'a:\n  b: |\n      x\n    y\n'],
    ['spaces-only lines in a block scalar', 'a: |\n  x\n    \n  y\n'],
    ['a comment without a space before it', 'a: "x"#c\n'],
    ['a syntax error', 'kind: Route\nmetadata:\n  name: a: b\n'],
    ['a key at no open indentation', 'a:\n    b: 1\n  c: 2\n'],
    ['an unknown escape', 'a: "\\q"\n'],
  ])('%s', (_name, text) => {
    expect(splitPlainYaml(text)).toBeUndefined();
  });
});

/** mulberry32: a small seeded generator, so failures replay. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ (t + t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pools of pieces: mostly plain YAML, sometimes (`BAD`) what must be left to yaml or is an error. */
const KEYS = { good: ['a', 'b', 'c', 'kind', 'name', 'x.y/z', 'k_1', '"a"', "'b'", '"a b"', "''"], bad: ['true', '1', '<<', '"q\\"k"', 'a b', '-a', 'null', '? a'] };
const SCALARS = {
  good: ['x', '1', '0x1F', '0o7', '1e3', '.inf', '.NaN', 'true', 'True', 'yes', '~', 'null', '2024-01-01', '"s"', "'s'", '"a\\tb\\u00e9"', "'it''s'", 'a #c', 'a#c', 'a:b', '{a: 1}', '[1, 2]', '[a, [b, {c: d}]]', '{}', '[]', '', 'http://h:1/p', '12:30', 'a b  c'],
  bad: ['-1', '+0x1', '"\\q"', 'a: b', '&x 1', '*x', '!!str 1', '{a: 1, a: 2}', '[1,', '"open', '- x', '|2'],
};
const BAD = 0.03;

function generate(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const piece = (pool: { good: string[]; bad: string[] }) => pick(next() < BAD ? pool.bad : pool.good);
  const lines: string[] = [];
  const mapping = (indent: number, depth: number): void => {
    const n = 1 + Math.floor(next() * 4);
    for (let i = 0; i < n; i++) {
      const pad = ' '.repeat(indent);
      const key = piece(KEYS);
      const r = next();
      if (r < 0.5 || depth > 2) lines.push(`${pad}${key}: ${piece(SCALARS)}`.trimEnd());
      else if (r < 0.65) {
        lines.push(`${pad}${key}:`);
        mapping(indent + 2, depth + 1);
      } else if (r < 0.8) {
        lines.push(`${pad}${key}:`);
        const dashIndent = next() < 0.5 ? indent : indent + 2;
        for (let j = 0; j < 1 + Math.floor(next() * 3); j++) {
          if (next() < 0.5) lines.push(`${' '.repeat(dashIndent)}- ${piece(SCALARS)}`.trimEnd());
          else {
            lines.push(`${' '.repeat(dashIndent)}- ${piece(KEYS)}: ${piece(SCALARS)}`.trimEnd());
            if (next() < 0.5) lines.push(`${' '.repeat(dashIndent + 2)}${piece(KEYS)}: ${piece(SCALARS)}`.trimEnd());
          }
        }
      } else if (r < 0.9) {
        lines.push(`${pad}${key}: ${pick(['|', '|-', '|+', '>', '>-', '>+', '|  # c'])}`);
        for (let j = 0; j < Math.floor(next() * 3); j++) lines.push(next() < 0.2 ? '' : `${pad}  ${piece(SCALARS)}`.trimEnd());
      } else if (next() < 0.8) {
        lines.push(pick(['# comment', '', `${pad}# indented comment`]));
      } else {
        lines.push(pick(['---', `${pad}  continued`, '\ttab: 1', `${pad}- stray`, '  ', '...']));
      }
    }
  };
  for (let d = 0; d < 1 + Math.floor(next() * 3); d++) {
    if (d > 0) lines.push('---');
    mapping(0, 0);
  }
  return `${lines.join('\n')}\n`;
}

describe('random documents: whatever the recogniser accepts, Bun reads as yaml does', () => {
  test.each([1, 2, 3, 4, 5])('seed %d', (seed) => {
    const next = random(seed);
    let accepted = 0;
    for (let i = 0; i < 600; i++) if (expectAgreement(generate(next))) accepted++;
    // Both outcomes must be common, or the test checks little.
    expect(accepted).toBeGreaterThan(60);
    expect(accepted).toBeLessThan(540);
  });
});
