import type { HaproxyOptions } from '../options.ts';

const STATUS_LINE = /^HTTP\/1\.[01] [1-5]\d\d(?: [^\r\n]*)?\r?$/;
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\r\n]*\r?$/;

/**
 * What haproxy would refuse of an `errorfile`, said at start rather than by
 * the first `haproxy -c`: a whole HTTP/1 response (status line, headers, an
 * empty line, then the body) that leaves haproxy `tune.maxrewrite` bytes of
 * its buffer to rewrite it in. undefined when it is fine.
 */
export function errorPageProblem(page: Buffer, haproxy: Pick<HaproxyOptions, 'bufSize' | 'maxRewrite'>): string | undefined {
  const limit = haproxy.bufSize - haproxy.maxRewrite;
  if (page.length > limit) return `is ${page.length} bytes; haproxy takes at most ${limit} (ROUTER_BUF_SIZE - ROUTER_MAX_REWRITE_SIZE)`;
  const text = page.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).split('\n');
  if (!STATUS_LINE.test(head[0] ?? '')) return 'does not start with an HTTP/1.0 or HTTP/1.1 status line (e.g. "HTTP/1.0 503 Service Unavailable")';
  if (end < 0) return 'has no empty line after its headers';
  const bad = head.slice(1).findIndex((line) => !HEADER_LINE.test(line));
  return bad < 0 ? undefined : `has a malformed header line (line ${bad + 2})`;
}
