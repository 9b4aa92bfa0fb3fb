/**
 * Summarizes the samples of a `bun --cpu-prof` profile taken within a
 * window of the process's life (bench/moves.ts logs when its changes start
 * and end, in ms after the spawn): self and total samples per function, and
 * the heaviest call paths, so the cost of the changes is not drowned in the
 * start's.
 *   bun bench/moves-profile.ts <file.cpuprofile> <fromMs> <toMs> [top=40]
 * A sample is one tick of the JS thread's sampler (about 1 ms of its CPU).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, fromArg, toArg, topArg] = process.argv.slice(2);
if (!file || fromArg === undefined || toArg === undefined) throw new Error('usage: moves-profile.ts <file.cpuprofile> <fromMs> <toMs> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 40);
const parent = new Map<number, number>();
const byId = new Map<number, ProfileNode>();
for (const n of profile.nodes) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parent.set(c, n.id);
}
const name = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^.*\/(src|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const total = new Map<string, number>();
const paths = new Map<string, number>();
let t = 0;
let counted = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i] ?? 0;
  const ms = t / 1000;
  if (ms < Number(fromArg) || ms > Number(toArg)) continue;
  const leaf = byId.get(profile.samples[i] ?? -1);
  if (!leaf) continue;
  counted++;
  const stack: string[] = [];
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const n = byId.get(id);
    if (n && n.callFrame.functionName !== '(root)') stack.push(name(n));
  }
  self.set(stack[0] ?? '?', (self.get(stack[0] ?? '?') ?? 0) + 1);
  for (const f of new Set(stack)) total.set(f, (total.get(f) ?? 0) + 1);
  const path = stack.slice(0, 8).reverse().join(' > ');
  paths.set(path, (paths.get(path) ?? 0) + 1);
}
const table = (m: Map<string, number>) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([f, n]) => `${String(n).padStart(6)} ${((100 * n) / counted).toFixed(1).padStart(5)}%  ${f}`)
    .join('\n');
console.log(`${counted} samples in the window\n\n## self\n${table(self)}\n\n## total\n${table(total)}\n\n## paths (leaf last)\n${table(paths)}`);
