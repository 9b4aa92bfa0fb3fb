/**
 * Where a heap snapshot of the router goes (issue #12): the V8-format
 * snapshot `SNAPSHOT=1 KEEP=1 bun bench/heap.ts` writes, summarized in four
 * tables: cells by type; plain objects and arrays by their property names
 * (a stage's records show up as one shape each); large storage blocks
 * (Map and Set tables among them) with the path that holds each, the
 * owner's property names; strings by their text with digits folded, with
 * what the extra copies of equal strings cost.
 *   bun bench/heap-snapshot.ts /tmp/rheap-*\/heap-<pid>.heapsnapshot [MIN_KB=500] [TOP=30]
 * Bun's snapshots do not link a Map's or Set's storage to its entries, so a
 * table's keys and values are not counted as held by it; and classes are
 * minified in the build, so an owner reads as its property name.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: bun bench/heap-snapshot.ts <file.heapsnapshot>');
const minBytes = Number(process.env.MIN_KB ?? 500) * 1000;
const top = Number(process.env.TOP ?? 30);

const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { meta } = snap.snapshot;
const nodeFields = meta.node_fields.length;
const edgeFields = meta.edge_fields.length;
const [nodeTypes] = meta.node_types;
const [edgeTypes] = meta.edge_types;
const { nodes, edges, strings } = snap;
const count = nodes.length / nodeFields;

const typeOf = (i: number) => nodeTypes[nodes[i * nodeFields] ?? 0] ?? '?';
const nameOf = (i: number) => strings[nodes[i * nodeFields + 1] ?? 0] ?? '';
const sizeOf = (i: number) => nodes[i * nodeFields + 3] ?? 0;
const firstEdge = new Uint32Array(count + 1);
for (let i = 0, e = 0; i < count; i++) {
  firstEdge[i] = e;
  e += (nodes[i * nodeFields + 4] ?? 0) * edgeFields;
}
firstEdge[count] = edges.length;
/** An edge's label: a property's name, or its kind for elements and hidden links. */
const labelOf = (e: number) => {
  const kind = edgeTypes[edges[e] ?? 0] ?? '?';
  return kind === 'element' || kind === 'hidden' ? `[${kind}]` : (strings[edges[e + 1] ?? 0] ?? '');
};
const targetOf = (e: number) => (edges[e + 2] ?? 0) / nodeFields;

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const print = (title: string, header: string, rows: string[]) => console.log(`\n${title}\n\n${header}\n${header.replace(/[^|]+/g, '---')}\n${rows.join('\n')}`);
const tally = (map: Map<string, [number, number]>, key: string, bytes: number) => {
  const t = map.get(key) ?? [0, 0];
  t[0]++;
  t[1] += bytes;
  map.set(key, t);
};
const largest = (map: Map<string, [number, number]>) => [...map].sort((a, b) => b[1][1] - a[1][1]).slice(0, top);

const byType = new Map<string, [number, number]>();
const shapes = new Map<string, [number, number]>();
const texts = new Map<string, [number, number]>();
for (let i = 0; i < count; i++) {
  const type = typeOf(i);
  tally(byType, type, sizeOf(i));
  if (type === 'string') tally(texts, nameOf(i), sizeOf(i));
  if (type !== 'object' || (nameOf(i) !== 'Object' && nameOf(i) !== 'Array')) continue;
  const props: string[] = [];
  let elements = 0;
  for (let e = firstEdge[i] ?? 0; e < (firstEdge[i + 1] ?? 0); e += edgeFields) {
    const kind = edgeTypes[edges[e] ?? 0];
    if (kind === 'property') props.push(strings[edges[e + 1] ?? 0] ?? '');
    else if (kind === 'element') elements++;
  }
  tally(shapes, `${nameOf(i)} {${props.sort().join(', ')}}${elements > 0 ? ` [${elements > 3 ? 'n' : elements}]` : ''}`, sizeOf(i));
}
const total = [...byType.values()].reduce((sum, [, bytes]) => sum + bytes, 0);
print(`${count} cells, ${mb(total)} MB`, '| type | cells | MB |', largest(byType).map(([t, [n, b]]) => `| ${t} | ${n} | ${mb(b)} |`));
print('Plain objects and arrays by their property names', '| shape | cells | MB |', largest(shapes).map(([s, [n, b]]) => `| \`${s}\` | ${n} | ${mb(b)} |`));

// Who holds each large block: the first few holders of every cell, walked up from the block.
const holders: [number, string][][] = Array.from({ length: count }, () => []);
for (let i = 0; i < count; i++) {
  for (let e = firstEdge[i] ?? 0; e < (firstEdge[i + 1] ?? 0); e += edgeFields) {
    const held = holders[targetOf(e)];
    if (held && held.length < 3) held.push([i, labelOf(e)]);
  }
}
const pathOf = (i: number) => {
  const steps: string[] = [];
  const seen = new Set([i]);
  for (let at = i, depth = 0; depth < 6; depth++) {
    const next = holders[at]?.find(([h]) => !seen.has(h));
    if (!next) break;
    seen.add(next[0]);
    const owner = `${typeOf(next[0]) === 'object' ? '' : `${typeOf(next[0])} `}${nameOf(next[0])}`.trim();
    steps.push(`${next[1] ? `${next[1]} ` : ''}<- ${owner || '?'}`);
    at = next[0];
  }
  return steps.join(' ');
};
const large: number[] = [];
for (let i = 0; i < count; i++) if (sizeOf(i) >= minBytes) large.push(i);
large.sort((a, b) => sizeOf(b) - sizeOf(a));
print(
  `Cells of ${minBytes / 1000} KB or more (Map and Set storage is a "Cell Butterfly" held by its Map or Set)`,
  '| KB | cell | held by |',
  large.slice(0, top * 2).map((i) => `| ${(sizeOf(i) / 1000).toFixed(0)} | ${typeOf(i)} ${nameOf(i).slice(0, 30).replace(/\n/g, ' ')} | ${pathOf(i)} |`),
);

// Strings by their text with digits folded: a stage's keys and names group together; extra copies are the bytes beyond one of each text.
const patterns = new Map<string, { cells: number; bytes: number; extra: number }>();
for (const [text, [n, bytes]] of texts) {
  const pattern = text.slice(0, 48).replace(/\d+/g, '#').replace(/\n/g, '\\n');
  const p = patterns.get(pattern) ?? { cells: 0, bytes: 0, extra: 0 };
  p.cells += n;
  p.bytes += bytes;
  p.extra += bytes - bytes / n;
  patterns.set(pattern, p);
}
const extra = [...patterns.values()].reduce((sum, p) => sum + p.extra, 0);
print(
  `Strings by text, digits folded (extra copies of equal strings: ${mb(extra)} MB)`,
  '| text | cells | MB | of it extra copies, MB |',
  [...patterns]
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .slice(0, top)
    .map(([p, v]) => `| \`${p}\` | ${v.cells} | ${mb(v.bytes)} | ${mb(v.extra)} |`),
);
