/**
 * Structural equality of the plain values sources emit (objects, arrays,
 * strings, numbers, booleans, null, undefined), with object keys in any
 * order and an `undefined` property equal to a missing one, as JSON sees
 * them. Sources use it to drop updates that change nothing the router uses,
 * without keeping a serialised copy of every object.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const key in x) if (!sameValue(x[key], y[key])) return false;
  for (const key in y) if (!(key in x) && y[key] !== undefined) return false;
  return true;
}
