import type { KubeObject } from './types.ts';

/** A compiled selector: does this object match? */
export type Selector = (obj: KubeObject) => boolean;

/** A selector the API server would reject with 400 BadRequest. */
export class SelectorError extends Error {}

const KEY = String.raw`[^\s=!(),]+`;
const NOT_EXISTS = new RegExp(String.raw`^!\s*(${KEY})$`);
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*([^\s=!(),]*)$`);
const EXISTS = new RegExp(`^(${KEY})$`);

/** Splits on commas outside parentheses, since `in (a,b)` uses commas too. */
function splitRequirements(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts.map((p) => p.trim());
}

function labelRequirement(req: string): Selector {
  const labels = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
  let m = NOT_EXISTS.exec(req);
  if (m) {
    const key = m[1] as string;
    return (o) => !Object.hasOwn(labels(o), key);
  }
  m = SET.exec(req);
  if (m) {
    const [, key = '', op, list = ''] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    // notin, like !=, also matches objects that lack the label entirely.
    return op === 'in'
      ? (o) => Object.hasOwn(labels(o), key) && values.has(labels(o)[key] as string)
      : (o) => !Object.hasOwn(labels(o), key) || !values.has(labels(o)[key] as string);
  }
  m = EQUALITY.exec(req);
  if (m) {
    const [, key = '', op, value = ''] = m;
    return op === '!=' ? (o) => labels(o)[key] !== value : (o) => labels(o)[key] === value;
  }
  m = EXISTS.exec(req);
  if (m) {
    const key = m[1] as string;
    return (o) => Object.hasOwn(labels(o), key);
  }
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(req)}`);
}

/** Parses a `labelSelector` query value (comma means AND); empty matches everything. */
export function parseLabelSelector(selector: string): Selector {
  if (selector.trim() === '') return () => true;
  const reqs = splitRequirements(selector).map(labelRequirement);
  return (o) => reqs.every((r) => r(o));
}

/**
 * Parses a `fieldSelector` query value. Every resource supports metadata.name
 * and metadata.namespace; `extra` adds the resource's own field labels.
 */
export function parseFieldSelector(selector: string, extra: Readonly<Record<string, (o: KubeObject) => string>>): Selector {
  if (selector.trim() === '') return () => true;
  const fields: Record<string, (o: KubeObject) => string> = {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace ?? '',
    ...extra,
  };
  const reqs = selector.split(',').map((term): Selector => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid field selector: ${JSON.stringify(term)}`);
    const [, field = '', op, value = ''] = m;
    const read = fields[field];
    if (!read) throw new SelectorError(`field label not supported: ${field}`);
    return op === '!=' ? (o) => read(o) !== value : (o) => read(o) === value;
  });
  return (o) => reqs.every((r) => r(o));
}
