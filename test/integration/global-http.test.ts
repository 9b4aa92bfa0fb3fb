/**
 * The global HTTP settings through a real haproxy and real clients:
 * compression, header actions, header and cookie captures in the access
 * log, header name case for HTTP/1 clients, the operator's error pages,
 * and client X-SSL headers let through for a TLS proxy in front.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'app.example.com';
const dir = shortTempDir();
const PAGE_503 = 'HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/html\r\nCache-Control: no-cache\r\n\r\n<p>Back soon (ours)</p>\n';
const PAGE_404 = 'HTTP/1.0 404 Not Found\r\nContent-Type: text/html\r\n\r\n<p>No such site (ours)</p>\n';
const page = (name: string, text: string) => {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
};

/** A pod that answers JSON (compressible here) on /json, plain text elsewhere, and tells which request headers it got. */
const backend = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req) {
    const headers = Object.fromEntries(req.headers);
    const more = { 'x-custom-header': 'kept', 'x-powered-by': 'pod', 'set-cookie': 'session=s3cr3t-id; Path=/' };
    if (new URL(req.url).pathname === '/json') return Response.json({ headers, padding: 'x'.repeat(2000) }, { headers: more });
    return new Response(`${JSON.stringify(headers)}\n${'y'.repeat(2000)}`, { headers: more });
  },
});
let t: TestRouter;

beforeAll(async () => {
  t = await startTestRouter({
    manifests: {
      'app.yaml': `${routeYaml({ name: 'app', host: HOST })}---\n${sliceYaml({ service: 'app', ports: [backend.port as number] })}`,
      'idle.yaml': routeYaml({ name: 'idle', host: 'idle.example.com' }),
    },
    args: ['--capture-http-request-headers=X-Trace:12,User-Agent:5', '--capture-http-response-headers=X-Powered-By:10', '--capture-http-cookie=session=:40'],
    env: {
      ROUTER_ENABLE_COMPRESSION: 'true',
      ROUTER_COMPRESSION_MIME: 'application/json',
      ROUTER_HTTP_REQUEST_HEADERS: 'X-Env:prod:Set,X-Host:%25%5Breq.hdr%28host%29%2Clower%5D:Set,X-Debug:Delete',
      ROUTER_HTTP_RESPONSE_HEADERS: 'X-Frame-Options:DENY:Set,X-Powered-By:Delete',
      ROUTER_H1_CASE_ADJUST: 'X-Custom-Header',
      ROUTER_ERRORFILE_503: page('503.http', PAGE_503),
      ROUTER_ERRORFILE_404: page('404.http', PAGE_404),
      ROUTER_LOG_LEVEL: 'info',
      ROUTER_MUTUAL_TLS_HEADER_FILTER: 'false',
    },
  });
});

afterAll(async () => {
  await t?.stop();
  await backend.stop(true);
  dir.remove();
});

/** The raw answer to one HTTP/1.1 request: header names exactly as haproxy wrote them. */
function raw(host: string, path: string, lines: readonly string[] = []): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = createConnection({ host: '127.0.0.1', port: t.httpPort }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${lines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`);
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      resolve({ status: Number(text.split(' ')[1]), head: text.slice(0, split), body: text.slice(split + 4) });
    });
  });
}

const hasHeader = (head: string, line: string) => head.split('\r\n').includes(line);

describe('compression (ROUTER_ENABLE_COMPRESSION, ROUTER_COMPRESSION_MIME)', () => {
  test('a listed type is gzipped for a client that accepts gzip, and decompresses to what the pod sent', async () => {
    const res = await fetch(`http://127.0.0.1:${t.httpPort}/json`, { headers: { Host: HOST, 'Accept-Encoding': 'gzip' }, decompress: false });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = JSON.parse(new TextDecoder().decode(Bun.gunzipSync(new Uint8Array(await res.arrayBuffer())))) as { padding: string };
    expect(body.padding).toHaveLength(2000);
  });

  test('not for a client that does not accept it, nor for a type not listed', async () => {
    expect(hasHeader((await raw(HOST, '/json')).head, 'content-encoding: gzip')).toBe(false);
    expect(hasHeader((await raw(HOST, '/text', ['Accept-Encoding: gzip'])).head, 'content-encoding: gzip')).toBe(false);
  });
});

describe('header actions (ROUTER_HTTP_REQUEST_HEADERS, ROUTER_HTTP_RESPONSE_HEADERS)', () => {
  test('requests get set and lose headers, a sampled value included; responses too', async () => {
    const res = await raw(HOST, '/text', ['X-Debug: on', 'X-Env: dev']);
    const seen = JSON.parse(res.body.split('\n')[0] ?? '') as Record<string, string>;
    expect(seen).toMatchObject({ 'x-env': 'prod', 'x-host': HOST });
    expect(seen['x-debug']).toBeUndefined();
    expect(hasHeader(res.head, 'x-frame-options: DENY')).toBe(true);
    expect(res.head.toLowerCase()).not.toContain('x-powered-by');
  });

  test('HTTP/1 clients get the header names re-cased as listed (ROUTER_H1_CASE_ADJUST), others lower-cased', async () => {
    const res = await raw(HOST, '/text');
    expect(hasHeader(res.head, 'X-Custom-Header: kept')).toBe(true);
    expect(hasHeader(res.head, 'x-frame-options: DENY')).toBe(true);
  });
});

test('with ROUTER_MUTUAL_TLS_HEADER_FILTER=false, the X-SSL headers a proxy in front sets reach the pod', async () => {
  const res = await raw(HOST, '/text', ['X-SSL-Client-CN: front-proxy-client', 'X-SSL: 1']);
  expect(JSON.parse(res.body.split('\n')[0] ?? '')).toMatchObject({ 'x-ssl-client-cn': 'front-proxy-client', 'x-ssl': '1' });
});

describe('captures in the access log (--capture-http-*)', () => {
  test("the listed request and response headers and the cookie are in the request's access record", async () => {
    const path = `/capture-${crypto.randomUUID()}`;
    expect((await raw(HOST, path, ['X-Trace: trace-0123456789abc', 'User-Agent: curl/8.0', 'Cookie: other=1; session=abc123'])).status).toBe(200);
    const record = await t.waitForLog((r) => r.tag === 'access' && r.msg.includes(`GET ${path} `));
    // Each value cut to its length; the pod's X-Powered-By was captured before the response action deleted it.
    expect(record.msg).toContain(' {trace-012345|curl/} {pod} ');
    expect(record.msg).toContain(' session=abc123 session=s3cr3t-id ');
  });
});

describe("the operator's error pages (ROUTER_ERRORFILE_503, ROUTER_ERRORFILE_404)", () => {
  test('a route without a serving pod answers with the 503 page', async () => {
    const res = await raw('idle.example.com', '/');
    expect([res.status, res.body]).toEqual([503, '<p>Back soon (ours)</p>\n']);
  });

  test('a host no route serves answers 404 with the 404 page, as upstream when ROUTER_ERRORFILE_404 is set', async () => {
    const res = await raw('nobody.example.com', '/');
    expect([res.status, res.body]).toEqual([404, '<p>No such site (ours)</p>\n']);
  });
});
