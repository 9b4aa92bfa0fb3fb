import { compareText } from '../domain/compare.ts';

/**
 * JSON with object keys sorted at every level, so two structurally equal
 * values serialise identically whatever order their keys were built or
 * parsed in. Sources compare these strings to drop updates that change
 * nothing the router uses.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => compareText(a, b)))
      : v,
  );
}
