import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { startEchoBackend, type EchoedRequest, type TestBackend } from '../support/backend.ts';
import { sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let echo: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  echo = startEchoBackend('echo');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await echo.stop();
});

type Action = { name: string; action: { type: string; set?: { value: string } } };
const setH = (name: string, value: string): Action => ({ name, action: { type: 'Set', set: { value } } });
const delH = (name: string): Action => ({ name, action: { type: 'Delete' } });
const route = (name: string, request: Action[], response: Action[] = []) =>
  JSON.stringify({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    metadata: { name, namespace: 'default' },
    spec: { host: `${name}.example.com`, to: { kind: 'Service', name: 'echo' }, httpHeaders: { actions: { request, response } } },
  });
const eps = () => ({ 'eps.yaml': sliceYaml({ service: 'echo', ports: [echo.port] }) });
const echoed = async (router: TestRouter, host: string, headers: Record<string, string> = {}) => {
  const answer = await router.get(host, '/', headers);
  return { status: answer.status, request: JSON.parse(answer.body) as EchoedRequest, response: answer.headers };
};

describe('spec.httpHeaders.actions', () => {
  test("request and response headers are set and deleted for the route's traffic only; a change reloads", async () => {
    t = await startTestRouter({
      manifests: {
        ...eps(),
        'a.json': route('a', [setH('X-Seen-Host', '%[req.hdr(host)]'), delH('X-Secret'), setH('X-Quote', "it's")], [setH('X-Frame-Options', 'DENY'), delH('X-Backend')]),
        'b.json': route('b', []),
      },
    });
    const a = await echoed(t, 'a.example.com', { 'X-Secret': 'hunter2' });
    expect(a.request.headers['x-seen-host']).toBe('a.example.com');
    expect(a.request.headers['x-quote']).toBe("it's");
    expect(a.request.headers['x-secret']).toBeUndefined();
    expect(a.response.get('x-frame-options')).toBe('DENY');
    expect(a.response.get('x-backend')).toBeNull();
    // Another route's traffic is untouched.
    const b = await echoed(t, 'b.example.com', { 'X-Secret': 'hunter2' });
    expect(b.request.headers['x-secret']).toBe('hunter2');
    expect(b.response.get('x-frame-options')).toBeNull();

    await t.write('a.json', route('a', [setH('X-Seen-Host', 'fixed')]));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    const changed = await echoed(t, 'a.example.com', { 'X-Secret': 'hunter2' });
    expect(changed.request.headers['x-seen-host']).toBe('fixed');
    expect(changed.request.headers['x-secret']).toBe('hunter2');
  });

  test('hostile names and values are ignored and named; none reaches a file', async () => {
    const MARK = 'zzhostile';
    t = await startTestRouter({
      manifests: {
        ...eps(),
        'h.json': route(
          'h',
          [setH(`X-A\n  http-request deny #${MARK}`, 'v'), setH('X-B', `v\n  http-request deny #${MARK}`), setH('X-C', `%[src]${MARK}`), setH('X-D', `'${MARK}`), delH('Cookie'), setH('X-Ok', 'kept')],
          [setH('X-E', `%[req.hdr(host)]${MARK}`)],
        ),
      },
    });
    const notice = t.router.lastCommit()?.notices.get('default/h') ?? '';
    for (const i of [0, 1, 2, 4]) expect(notice).toContain(`spec.httpHeaders.actions.request[${i}]: `);
    expect(notice).toContain('spec.httpHeaders.actions.response[0]: ');
    const h = await echoed(t, 'h.example.com');
    expect(h.request.headers['x-ok']).toBe('kept');
    // A quote is a character like any other: the value is single-quoted, quote escaped, and sent as written.
    expect(h.request.headers['x-d']).toBe(`'${MARK}`);
    const files = [...new Bun.Glob('**').scanSync({ cwd: `${t.workingDir}/conf/`, followSymlinks: true })];
    const texts = await Promise.all(files.map((f) => Bun.file(`${t?.workingDir}/conf/${f}`).text()));
    expect(texts.filter((text) => text.includes(MARK)).map((text) => text.split('\n').filter((l) => l.includes(MARK)))).toEqual([[`  http-request set-header 'X-D' ''\\''${MARK}'`]]);
  });
});
