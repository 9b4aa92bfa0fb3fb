import { describe, expect, test } from 'bun:test';
import { errorPageProblem } from './error-page.ts';

const TUNING = { bufSize: 32768, maxRewrite: 8192 };
const page = (text: string) => Buffer.from(text, 'latin1');

describe('errorPageProblem: what haproxy would refuse of an errorfile', () => {
  test.each<[string, string, string | undefined]>([
    ['a whole response', 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\nCache-Control: no-cache\r\n\r\n<html></html>\n', undefined],
    ['LF line ends', 'HTTP/1.1 404 Not Found\nContent-Type: text/plain\n\nnot here\n', undefined],
    ['no headers, no body', 'HTTP/1.0 503\r\n\r\n', undefined],
    ['HTML alone', '<html>sorry</html>\n', 'does not start with an HTTP/1.0 or HTTP/1.1 status line (e.g. "HTTP/1.0 503 Service Unavailable")'],
    ['HTTP/2', 'HTTP/2 503\r\n\r\n', 'does not start with an HTTP/1.0 or HTTP/1.1 status line (e.g. "HTTP/1.0 503 Service Unavailable")'],
    ['no end of the headers', 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n', 'has no empty line after its headers'],
    ['a line that is no header', 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\n<html>\r\n\r\n', 'has a malformed header line (line 3)'],
  ])('%s', (_what, text, want) => {
    expect(errorPageProblem(page(text), TUNING)).toBe(want);
  });

  test('a page must leave haproxy its rewrite space', () => {
    const head = 'HTTP/1.0 503 Service Unavailable\r\n\r\n';
    expect(errorPageProblem(page(head + 'x'.repeat(24576 - head.length)), TUNING)).toBeUndefined();
    expect(errorPageProblem(page(head + 'x'.repeat(24577 - head.length)), TUNING)).toBe(
      'is 24577 bytes; haproxy takes at most 24576 (ROUTER_BUF_SIZE - ROUTER_MAX_REWRITE_SIZE)',
    );
  });
});
