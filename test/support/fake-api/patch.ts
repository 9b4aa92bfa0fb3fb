import { deepEqual, isRecord } from './json.ts';
import { badRequest, invalid } from './status.ts';

/** RFC 7386 JSON merge patch: objects merge recursively, null deletes, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  value?: unknown;
}

function parseOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw badRequest('json patch must be an array of operations');
  return patch.map((op): Operation => {
    if (!isRecord(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw badRequest(`invalid json patch operation: ${JSON.stringify(op)}`);
    }
    return { op: op.op, path: op.path, ...(Object.hasOwn(op, 'value') ? { value: op.value } : {}) };
  });
}

/** RFC 6901 pointer → reference tokens. */
function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalid(`json patch path ${JSON.stringify(path)} does not start with "/"`);
  return path.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Container = Record<string, unknown> | unknown[];

/** The container holding the pointer's last token, which every operation acts on. */
function locate(doc: unknown, path: string): { parent: Container; key: string } {
  const toks = tokens(path);
  const key = toks.pop();
  if (key === undefined) throw invalid('json patch operations on the whole document are not supported');
  let cur = doc;
  for (const t of toks) cur = child(cur, t, path);
  if (!isRecord(cur) && !Array.isArray(cur)) throw invalid(`json patch path ${path}: parent is not a container`);
  return { parent: cur, key };
}

function child(cur: unknown, token: string, path: string): unknown {
  if (Array.isArray(cur)) return cur[arrayIndex(cur, token, path, false)];
  if (isRecord(cur) && Object.hasOwn(cur, token)) return cur[token];
  throw invalid(`doc is missing path: ${path}`);
}

function arrayIndex(arr: unknown[], token: string, path: string, forInsert: boolean): number {
  if (forInsert && token === '-') return arr.length;
  const i = /^(0|[1-9][0-9]*)$/.test(token) ? Number(token) : NaN;
  if (!(i < arr.length || (forInsert && i === arr.length))) throw invalid(`doc is missing path: ${path}`);
  return i;
}

function applyOne(doc: unknown, op: Operation): void {
  const { parent, key } = locate(doc, op.path);
  const has = Array.isArray(parent) ? undefined : Object.hasOwn(parent, key);
  switch (op.op) {
    case 'add':
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op.path, true), 0, op.value);
      else parent[key] = op.value;
      return;
    case 'replace':
      if (Array.isArray(parent)) parent[arrayIndex(parent, key, op.path, false)] = op.value;
      else if (has) parent[key] = op.value;
      else throw invalid(`replace operation does not apply: doc is missing key: ${op.path}`);
      return;
    case 'remove':
      if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op.path, false), 1);
      else if (has) delete parent[key];
      else throw invalid(`remove operation does not apply: doc is missing key: ${op.path}`);
      return;
    case 'test': {
      const actual = Array.isArray(parent) ? parent[arrayIndex(parent, key, op.path, false)] : has ? parent[key] : undefined;
      if (!deepEqual(actual, op.value)) throw invalid(`testing value ${op.path} failed: test failed`);
      return;
    }
    default:
      throw invalid(`json patch operation ${JSON.stringify(op.op)} is not supported by the fake API server`);
  }
}

/**
 * RFC 6902 JSON patch (add, replace, remove, test) on a copy of `doc`.
 * Malformed patches are 400; operations that do not apply, including a
 * failed `test`, are 422 Invalid, as the real server answers.
 */
export function jsonPatch(doc: unknown, patch: unknown): unknown {
  const ops = parseOperations(patch);
  const copy = structuredClone(doc);
  for (const op of ops) applyOne(copy, op);
  return copy;
}
