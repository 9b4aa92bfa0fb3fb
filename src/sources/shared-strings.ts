/**
 * One copy of the strings that many objects repeat. In a cluster's 100,000
 * routes and slices most fields hold a handful of distinct values
 * (namespaces, "Service", "TCP", "http", label and annotation values), yet
 * every parsed object brings its own copies, a few million strings in all.
 * The table is bounded: when full it starts over, which costs sharing, never
 * correctness, and never keeps more than MAX_ENTRIES strings alive.
 */
const MAX_ENTRIES = 10_000;
/** Longer strings are rarely repeated (certificates, hosts) and would only churn the table. */
const MAX_LENGTH = 64;

let table = new Map<string, string>();

/** `s`, or an equal string seen before. */
export function shared(s: string): string {
  if (s.length === 0 || s.length > MAX_LENGTH) return s;
  const known = table.get(s);
  if (known !== undefined) return known;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(s, s);
  return s;
}

/**
 * Certificates and keys are long, yet one wildcard certificate (and its key,
 * and a service CA) is often pasted into thousands of routes: each parsed
 * route brought its own copy, 3.7 MB at the scale bench's 10,000 routes.
 * Bounded by characters rather than entries, starting over when full.
 */
const MAX_TEXT_CHARS = 1 << 20;

let texts = new Map<string, string>();
let textChars = 0;

/** `s`, or an equal string seen before, however long (up to the table's bound). */
export function sharedText(s: string): string {
  if (s.length <= MAX_LENGTH) return shared(s);
  const known = texts.get(s);
  if (known !== undefined) return known;
  if (s.length > MAX_TEXT_CHARS) return s;
  if (textChars + s.length > MAX_TEXT_CHARS) {
    texts = new Map();
    textChars = 0;
  }
  texts.set(s, s);
  textChars += s.length;
  return s;
}
