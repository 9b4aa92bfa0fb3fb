/**
 * Text order for everything the router sorts. The order fixes what
 * haproxy.config and the maps say and in which order, so it follows
 * upstream (Go) semantics, code unit by code unit, never the locale.
 */

/** Code-unit order, like Go's string comparison (localeCompare would depend on the locale). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders named things (backends, certificate files, slices) by `compareText` on their names. */
export function byName(a: { name: string }, b: { name: string }): number {
  return compareText(a.name, b.name);
}
