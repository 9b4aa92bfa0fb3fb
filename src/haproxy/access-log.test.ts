import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { backend, model } from '../../test/support/models.ts';
import { AccessLog, readAccessLine, type AccessLine } from './access-log.ts';

describe('readAccessLine', () => {
  test.each<[string, AccessLine | undefined]>([
    ['@access 100 be_http:demo:hello 127.0.0.1:4000 [01/Jan/2026:00:00:00.000] public be_http:demo:hello/ept 0/0/0/1/1 200 12 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"', { pid: 100, backend: 'be_http:demo:hello', text: '127.0.0.1:4000 [01/Jan/2026:00:00:00.000] public be_http:demo:hello/ept 0/0/0/1/1 200 12 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"' }],
    ['127.0.0.1:4000 [05/Dec/2026:10:16:59.564] fe_sni/1: SSL handshake failure', { pid: 0, backend: '', text: '127.0.0.1:4000 [05/Dec/2026:10:16:59.564] fe_sni/1: SSL handshake failure' }],
    ['[::1]:4000 [05/Dec/2026:10:16:59.564] public_ssl/port: Timeout during SSL handshake', { pid: 0, backend: '', text: '[::1]:4000 [05/Dec/2026:10:16:59.564] public_ssl/port: Timeout during SSL handshake' }],
    ['Proxy public stopped (cumulated conns: FE: 1, BE: 0).', undefined],
    ['@accessory be x', undefined],
    ['@access 100 be_only', undefined],
    // An earlier router version's worker, still finishing its connections after a hand-over.
    ['@access be_http:demo:hello text', { pid: 0, backend: 'be_http:demo:hello', text: 'text' }],
  ])('%s', (line, want) => {
    expect(readAccessLine(line)).toEqual(want);
  });
});

describe('AccessLog', () => {
  test('names the route a backend serves, spares a route took over included; other lines go elsewhere', () => {
    const logs = captureLogs();
    const other: string[] = [];
    const access = new AccessLog(logs.logger.withTag('access'), (line) => other.push(line));
    access.line('@access 100 be_http:demo:hello a');
    // In name order, as a model keeps them.
    access.serve(model([backend('be_edge_http:_spare:3', [], { routeKey: 'shop/cart' }), backend('be_http:demo:hello', [], { routeKey: 'demo/hello' }), backend('be_tcp:_spare:1', [], { routeKey: '' })]));
    access.line('@access 100 be_http:demo:hello b');
    access.line('@access 100 be_edge_http:_spare:3 c');
    access.line('@access 100 openshift_default d');
    access.line('@access 100 be_tcp:_spare:1 e');
    access.line('Server be_http:demo:hello/ept is DOWN');
    expect(logs.logs).toEqual([
      { level: 'info', tag: 'access', msg: 'a' },
      { level: 'info', tag: 'access', msg: 'b', namespace: 'demo', route: 'hello' },
      { level: 'info', tag: 'access', msg: 'c', namespace: 'shop', route: 'cart' },
      { level: 'info', tag: 'access', msg: 'd' },
      { level: 'info', tag: 'access', msg: 'e' },
    ].map((r) => expect.objectContaining(r)));
    expect(other).toEqual(['Server be_http:demo:hello/ept is DOWN']);
  });
});

describe('AccessLog route lookup', () => {
  test('a spare that changes hands names its new route from the next model on; a backend the model lacks names none', () => {
    const logs = captureLogs();
    const access = new AccessLog(logs.logger.withTag('access'), () => {});
    const spare = (routeKey: string) => backend('be_http:_spare:1', [], { routeKey });
    access.serve(model([spare('shop/cart'), backend('be_http:a:a', [], { routeKey: 'a/a' }), backend('be_http:z:z', [], { routeKey: 'z/z' })]));
    access.line('@access 100 be_http:_spare:1 one');
    access.serve(model([spare('blog/post'), backend('be_http:a:a', [], { routeKey: 'a/a' })]));
    access.line('@access 100 be_http:_spare:1 two');
    access.line('@access 100 be_http:z:z three');
    expect(logs.logs.map((r) => [r.msg, (r as { namespace?: string }).namespace])).toEqual([
      ['one', 'shop'],
      ['two', 'blog'],
      ['three', undefined],
    ]);
  });
});

describe('AccessLog after a reload', () => {
  test("a replaced worker's last lines name the route its spare served there, not the one the new worker's spare serves", () => {
    const logs = captureLogs();
    const access = new AccessLog(logs.logger.withTag('access'), () => {});
    const spare = (routeKey: string) => backend('be_http:_spare:1', [], { routeKey });
    access.serve(model([spare('tenant1/slow'), backend('be_http:a:a', [], { routeKey: 'a/a' })]), 100);
    // Reloaded: worker 200 runs the spare for another tenant; worker 100 still finishes tenant1's request.
    access.serve(model([spare('tenant2/other'), backend('be_http:a:a', [], { routeKey: 'a/a' })]), 200);
    access.line('@access 100 be_http:_spare:1 old');
    access.lines(Buffer.from('@access 100 be_http:_spare:1 old-bytes\n@access 200 be_http:_spare:1 new\n'));
    // A worker the router does not know (made by a restart, before the next commit): its spares name no route; its
    // other backends are named as they are everywhere.
    access.line('@access 300 be_http:_spare:1 unknown');
    access.line('@access 300 be_http:a:a unknown-own');
    // An earlier router version's worker writes no pid: as an unknown worker.
    access.lines(Buffer.from('@access be_http:_spare:1 older-version\n@access be_http:a:a older-version-own\n'));
    expect(logs.logs.map((r) => [r.msg, (r as { namespace?: string }).namespace])).toEqual([
      ['old', 'tenant1'],
      ['old-bytes', 'tenant1'],
      ['new', 'tenant2'],
      ['unknown', undefined],
      ['unknown-own', 'a'],
      ['older-version', undefined],
      ['older-version-own', 'a'],
    ]);
  });
});

describe('AccessLog.lines', () => {
  test('bytes as read: records in order whichever way they go, other lines elsewhere, blank lines and trailing spaces dropped', () => {
    const logs = captureLogs();
    const other: string[] = [];
    const access = new AccessLog(logs.logger.withTag('access'), (line) => other.push(line));
    access.serve(model([backend('be_http:demo:hello', [], { routeKey: 'demo/hello' })]));
    access.lines(Buffer.from('@access 100 be_http:demo:hello a  \n\n@access 100 be_http:demo:hello é\r\nProxy x stopped.\n@access 100 openshift_default c\n'));
    expect(logs.logs.map((r) => [r.msg, (r as { namespace?: string }).namespace])).toEqual([
      ['a', 'demo'],
      ['é', 'demo'],
      ['c', undefined],
    ]);
    expect(other).toEqual(['Proxy x stopped.']);
  });
});
