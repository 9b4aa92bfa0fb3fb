/**
 * upstream's handling of `haproxy.router.openshift.io/rewrite-target`
 * (pkg/router/template/util/rewritetarget): the value was once written
 * unquoted, so quotes, backslashes and `#` are still read as haproxy would
 * have read them then, and the result goes between single quotes. Every run
 * of `%` comes out even, so haproxy reads it as literal percent signs: a
 * tenant cannot sample anything (`%[...]`) into the path.
 */

type Step = (ch: string, escaped: boolean) => { value?: string; escaped: boolean; stop?: boolean };

function processRunes(input: string, step: Step): string {
  let out = '';
  let escaped = false;
  for (const ch of input) {
    const r = step(ch, escaped);
    escaped = r.escaped;
    if (r.stop) break;
    if (r.value !== undefined) out += r.value;
  }
  return out;
}

/**
 * The replacement as upstream's SanitizeInput makes it, to be written
 * between single quotes: an unescaped `#` ends it (a comment, once), bare
 * quotes go, an escaped single quote becomes `'\''`, odd runs of `%` are
 * doubled, single backslashes go and double ones become single; `\1` (what
 * follows the route's path) is appended unless a comment ended the value.
 */
export function sanitizeRewriteTarget(value: string): string {
  let comment = false;
  let v = processRunes(value, (ch, escaped) => {
    if (ch === '#' && !escaped) {
      comment = true;
      return { escaped, stop: true };
    }
    return { value: ch, escaped: ch === '\\' && !escaped };
  });
  v = processRunes(v, (ch, escaped) => (ch === '"' && !escaped ? { escaped: false } : { value: ch, escaped: ch === '\\' && !escaped }));
  v = processRunes(v, (ch, escaped) => {
    if (ch === "'" && !escaped) return { escaped: false };
    if (ch === "'" && escaped) return { value: "'\\\\''", escaped: false };
    return { value: ch, escaped: ch === '\\' && !escaped };
  });
  v = v.replace(/%+/g, (run) => (run.length % 2 === 1 ? run.replaceAll('%', '%%') : run));
  v = v.replace(/\\+/g, (run) => (run.length === 1 ? '' : run));
  v = v.replaceAll('\\\\', '\\');
  return comment ? v : `${v}\\1`;
}

/**
 * upstream's pattern `^/.*$`, with no control character at all (Go's `.`
 * already refuses a line feed; a carriage return or tab would end up in
 * the config line), sanitized; undefined when upstream would ignore it.
 */
export function parseRewriteTarget(value: string): string | undefined {
  if (!value.startsWith('/') || /[\x00-\x1f\x7f]/.test(value)) return undefined;
  return sanitizeRewriteTarget(value);
}
