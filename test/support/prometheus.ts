/**
 * Reads Prometheus text exposition (format 0.0.4) as a scraper would, with
 * two parsers: this file's, which holds every line to the format's grammar
 * (names, label syntax and escapes, numeric values, HELP and TYPE at most
 * once per family and before its samples, a family's samples together),
 * and the npm package parse-prometheus-text-format (a port of the official
 * Python client's parser), which must read the same families with the same
 * types. That package alone accepts some malformed lines silently and
 * loses labelled histograms, hence both.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Sample {
  /** The sample's own name: a histogram's are `<family>_bucket`, `_sum` and `_count`. */
  name: string;
  labels: Record<string, string>;
  value: string;
}

export interface MetricFamily {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '(?:[^"\\\\\\n]|\\\\[\\\\"n])*';
const LABEL = `([a-zA-Z_][a-zA-Z0-9_]*)="(${LABEL_VALUE})"`;
const ANY_LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="${LABEL_VALUE}"`;
const VALUE = '(?:[+-]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+)|NaN|[+-]Inf)';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{((?:${ANY_LABEL}(?:,(?!\\})|,?(?=\\})))*)\\})? (${VALUE})(?: -?[0-9]+)?$`);
const META = new RegExp(`^# (HELP|TYPE) (${NAME})(?: (.*))?$`);
const SUFFIXES = ['_bucket', '_sum', '_count'];

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function labelsOf(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(new RegExp(LABEL, 'g'))) {
    const [, name = '', value = ''] = m;
    if (name in labels) throw new Error(`label ${name} twice at ${where}`);
    labels[name] = unescape(value);
  }
  return labels;
}

/** The family a sample belongs to: histogram and summary samples carry suffixes. */
function familyOf(sample: string, types: ReadonlyMap<string, string>): string {
  if (types.has(sample)) return sample;
  const suffix = SUFFIXES.find((s) => sample.endsWith(s));
  const base = suffix ? sample.slice(0, -suffix.length) : sample;
  return types.has(base) ? base : sample;
}

function parseStrictly(text: string): Map<string, MetricFamily> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  const families = new Map<string, MetricFamily>();
  const types = new Map<string, string>();
  const finished = new Set<string>();
  let current: string | undefined;
  const family = (name: string) => families.get(name) ?? families.set(name, { name, type: 'untyped', help: '', samples: [] }).get(name)!;
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const where = `line ${i + 1}: ${JSON.stringify(line)}`;
    const meta = META.exec(line);
    if (meta) {
      const [, kind = '', name = '', rest = ''] = meta;
      if (finished.has(name) || current === name && kind === 'TYPE') throw new Error(`${kind} after samples of ${name} at ${where}`);
      if (kind === 'TYPE') {
        if (types.has(name)) throw new Error(`second TYPE for ${name} at ${where}`);
        if (!/^(counter|gauge|histogram|summary|untyped)$/.test(rest)) throw new Error(`bad type at ${where}`);
        types.set(name, rest);
        family(name).type = rest;
      } else {
        family(name).help = unescape(rest);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample: ${where}`);
    const [, name = '', labelText = '', value = ''] = sample;
    const owner = familyOf(name, types);
    if (owner !== current) {
      if (finished.has(owner)) throw new Error(`samples of ${owner} are not together: ${where}`);
      if (current !== undefined) finished.add(current);
      current = owner;
    }
    family(owner).samples.push({ name, labels: labelsOf(labelText, where), value });
  }
  return families;
}

export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = parseStrictly(text);
  const theirs = parsePrometheusTextFormat(text).map((f) => `${f.name} ${f.type.toLowerCase()}`);
  const ours = [...families.values()].map((f) => `${f.name} ${f.type}`);
  if (JSON.stringify(theirs) !== JSON.stringify(ours)) throw new Error(`the parsers disagree:\n${theirs.join('\n')}\n---\n${ours.join('\n')}`);
  return families;
}

/** A sample without its name, for comparing the samples of one plain family. */
export function labelsAndValue(s: Sample): { labels: Record<string, string>; value: string } {
  return { labels: s.labels, value: s.value };
}
