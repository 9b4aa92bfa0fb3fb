/**
 * Typed reads of untrusted JSON (API responses, manifest files). Missing and
 * null fields both read as "unset", as the API server's decoder treats them
 * (kubectl output is full of `creationTimestamp: null`); a present field of
 * the wrong type throws a FieldError naming its path, which the converters
 * turn into a conversion error at their boundary.
 */
import { shared } from './shared-strings.ts';

/** A field had the wrong type; `message` starts with the field's path. */
export class FieldError extends Error {
  override name = 'FieldError';
}

/** A parsed JSON object whose fields are still unchecked. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** A JSON object (not null, not an array). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unset(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

/** An optional object field; undefined when unset. */
export function optObject(v: unknown, path: string): JsonObject | undefined {
  if (unset(v)) return undefined;
  if (isObject(v)) return v;
  throw new FieldError(`${path} must be an object`);
}

/** A required object field. */
export function reqObject(v: unknown, path: string): JsonObject {
  const o = optObject(v, path);
  if (o === undefined) throw new FieldError(`${path} must be an object`);
  return o;
}

/** An optional string field; unset reads as "", Go's zero value. */
export function optString(v: unknown, path: string): string {
  if (unset(v)) return '';
  if (typeof v === 'string') return v;
  throw new FieldError(`${path} must be a string`);
}

/** A required string field; empty counts as missing, as for API names. */
export function reqString(v: unknown, path: string): string {
  const s = optString(v, path);
  if (s === '') throw new FieldError(`${path} must be a non-empty string`);
  return s;
}

/** An optional integer field (int32/int64 in the API); undefined when unset. */
export function optInt(v: unknown, path: string): number | undefined {
  if (unset(v)) return undefined;
  if (Number.isSafeInteger(v)) return v as number;
  throw new FieldError(`${path} must be an integer`);
}

/** An optional boolean field; undefined when unset. */
export function optBool(v: unknown, path: string): boolean | undefined {
  if (unset(v)) return undefined;
  if (typeof v === 'boolean') return v;
  throw new FieldError(`${path} must be a boolean`);
}

/** An optional list field; unset reads as an empty list. */
export function optArray(v: unknown, path: string): readonly unknown[] {
  if (unset(v)) return [];
  if (Array.isArray(v)) return v;
  throw new FieldError(`${path} must be a list`);
}

/** One empty map for every object without labels or annotations: most routes have none, and each kept its own. */
const NO_STRINGS: Readonly<Record<string, string>> = Object.freeze({});

/** Labels and annotations: every value must be a string, as in the API; values are shared (`shared-strings.ts`). */
export function optStringMap(v: unknown, path: string): Readonly<Record<string, string>> {
  const o = optObject(v, path) ?? {};
  if (Object.keys(o).length === 0) return NO_STRINGS;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    if (typeof val !== 'string') throw new FieldError(`${path}[${JSON.stringify(k)}] must be a string`);
    out[k] = shared(val);
  }
  return out;
}
