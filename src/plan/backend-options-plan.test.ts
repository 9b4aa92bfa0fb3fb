import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { backend, server } from '../../test/support/models.ts';
import { allowlistFile } from '../config/allowlists.ts';
import { admissionSettings } from '../../test/support/admission.ts';
import { admitRoutes } from '../admission/admit-routes.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { BackendModel } from '../config/model.ts';
import type { Route } from '../domain/route.ts';
import { backendReasons, planBackend } from './backend-plan.ts';
import type { RuntimeCommand } from './commands.ts';
import { fitToRunning } from './fit-to-running.ts';
import { planUpdate } from './plan.ts';

const A = 'be_edge_http:ns:a';
const s1 = server('s1');
const edge = (more: Partial<BackendModel> = {}) => backend(A, [s1], { termination: 'edge', ...more });
const commands = (applied: BackendModel, next: BackendModel): RuntimeCommand[] => {
  const plan = planBackend(applied, next, () => 'be_checks_0/chk1');
  expect(plan.reasons).toEqual([]);
  return plan.commands;
};

describe('per-route options of a running backend', () => {
  test('timeouts and HSTS are map entries keyed by the running name: added, changed, removed', () => {
    expect(commands(edge(), edge({ timeoutMs: 5000, tunnelTimeoutMs: 60_000, hsts: 'max-age=1' }))).toEqual([
      { kind: 'add-map', map: 'timeout-server.map', key: A, value: '5000' },
      { kind: 'add-map', map: 'timeout-tunnel.map', key: A, value: '60000' },
      { kind: 'add-map', map: 'hsts.map', key: A, value: 'max-age=1' },
    ]);
    expect(commands(edge({ timeoutMs: 5000, hsts: 'max-age=1' }), edge({ timeoutMs: 7000 }))).toEqual([
      { kind: 'set-map', map: 'timeout-server.map', key: A, value: '7000' },
      { kind: 'del-map', map: 'hsts.map', key: A },
    ]);
  });

  test('rate limits are map entries too; a passthrough backend has no HTTP rate', () => {
    expect(commands(edge({ rateLimits: { httpRate: 5 } }), edge({ rateLimits: { httpRate: 10, status: 429, concurrent: 3 } }))).toEqual([
      { kind: 'add-map', map: 'rate-limit-concurrent.map', key: A, value: '3' },
      { kind: 'set-map', map: 'rate-limit-http.map', key: A, value: '10' },
      { kind: 'add-map', map: 'rate-limit-status.map', key: A, value: '429' },
    ]);
    const P = 'be_tcp:ns:p';
    const tcp = (more: Partial<BackendModel>) => backend(P, [s1], { mode: 'tcp', termination: 'passthrough', ...more });
    expect(commands(tcp({}), tcp({ rateLimits: { tcpRate: 4, httpRate: 9 } }))).toEqual([{ kind: 'add-map', map: 'rate-limit-tcp.map', key: P, value: '4' }]);
  });

  test("pod-concurrent-connections sets each running server's limit; new servers are added with it", () => {
    const s2 = server('s2', { ip: '10.0.0.2' });
    const plan = commands(edge({ serverMaxConn: 5 }), backend(A, [s1, s2], { termination: 'edge', serverMaxConn: 7 }));
    expect(plan.filter((c) => c.kind === 'set-maxconn')).toEqual([{ kind: 'set-maxconn', backend: A, server: 's1', maxconn: 7 }]);
    expect(plan.find((c) => c.kind === 'add-server')).toMatchObject({ server: 's2', options: expect.stringContaining(' maxconn 7') });
    expect(commands(edge({ serverMaxConn: 5 }), edge())).toEqual([{ kind: 'set-maxconn', backend: A, server: 's1', maxconn: 0 }]);
  });

  test('an ACL file without an allowlist answers everyone: dropping the list, or setting one, is entry by entry', () => {
    const acl = allowlistFile(A);
    expect(commands(edge({ allowlistAcl: true, allowlist: ['10.0.0.1'] }), edge({ allowlistAcl: true }))).toEqual([
      { kind: 'add-acl', acl, value: '0.0.0.0/0' },
      { kind: 'add-acl', acl, value: '::/0' },
      { kind: 'del-acl', acl, value: '10.0.0.1' },
    ]);
    expect(commands(edge({ allowlistAcl: true }), edge({ allowlistAcl: true, allowlist: ['10.0.0.1'] }))).toEqual([
      { kind: 'add-acl', acl, value: '10.0.0.1' },
      { kind: 'del-acl', acl, value: '0.0.0.0/0' },
      { kind: 'del-acl', acl, value: '::/0' },
    ]);
  });

  test.each([
    ['a passthrough tunnel timeout is a config line', backend('be_tcp:ns:p', [s1], { mode: 'tcp', termination: 'passthrough' }), { tunnelTimeoutMs: 5000 }],
    ['a cookie name', edge({ cookie: { name: 'a', key: 'k', secure: true, sameSite: 'None', named: false } }), { cookie: { name: 'b', key: 'k', secure: true, sameSite: 'None', named: true } }],
    ['SameSite', edge({ cookie: { name: 'a', key: 'k', secure: true, sameSite: 'None', named: false } }), { cookie: { name: 'a', key: 'k', secure: true, sameSite: 'Lax', named: false } }],
    ['cookies disabled', edge({ cookie: { name: 'a', key: 'k', secure: true, sameSite: 'None', named: false } }), { cookie: undefined }],
    ['the balance algorithm', edge(), { balance: 'leastconn' }],
    ['the check interval (a check slot of its own)', edge(), { checkIntervalMs: 2000 }],
    ['h1-adjust-case', edge(), { h1CaseAdjust: true }],
    ['a Gateway API redirect or rewrite', edge({ filterLines: ["http-request set-header host 'a.example'"] }), { filterLines: ["http-request set-header host 'b.example'"] }],
    ['a Gateway API header modifier', edge(), { headerActions: { request: [{ name: 'X-A', action: 'Add', value: 'v' }], response: [] } }],
  ] as const)('%s: changing it reloads', (_name, applied, change) => {
    expect(backendReasons(applied, { ...applied, ...change }).map((r) => r.code)).toEqual(['backend-changed']);
  });
});

const model = (routes: Route[]) =>
  buildConfigModel({ routes, slices: [slice('a', ['10.0.0.1'])], settings: settings({ sparesPerShape: 1 }), allowAddress: () => true, defaultCertificate: '' });
/** One edge route with these annotations, as admission serves it (options parsed). */
const admitted = (annotations: Record<string, string>) =>
  admitRoutes([route({ name: 'r', host: 'r.com', annotations, tls: routeTls('edge') })], admissionSettings(), undefined, new Map()).admitted;

describe('a new route on a spare', () => {
  test('takes its allowlist, timeouts and HSTS live, under the spare name', () => {
    const applied = model([]);
    const next = model(admitted({ 'haproxy.router.openshift.io/ip_allowlist': '10.0.0.0/8', 'haproxy.router.openshift.io/timeout': '2s', 'haproxy.router.openshift.io/hsts_header': 'max-age=5' }));
    const plan = planUpdate(applied, fitToRunning(applied, next));
    const spare = 'be_edge_http:_spare:1';
    expect(plan.kind === 'runtime' && plan.commands).toEqual(
      expect.arrayContaining([
        { kind: 'add-map', map: 'timeout-server.map', key: spare, value: '2000' },
        { kind: 'add-map', map: 'hsts.map', key: spare, value: 'max-age=5' },
        { kind: 'add-acl', acl: allowlistFile(spare), value: '10.0.0.0/8' },
        { kind: 'del-acl', acl: allowlistFile(spare), value: '0.0.0.0/0' },
      ]),
    );
  });

  test.each<Record<string, string>>([{ 'router.openshift.io/cookie_name': 'SESSION' }, { 'haproxy.router.openshift.io/disable_cookies': 'true' }, { 'haproxy.router.openshift.io/balance': 'leastconn' }])(
    'a route whose backend lines differ from every spare reloads: %p',
    (annotations) => {
      const applied = model([]);
      expect(planUpdate(applied, fitToRunning(applied, model(admitted(annotations)))).kind).toBe('reload');
    },
  );

  test('a route with Gateway API filters reloads; the same route without them takes a spare', () => {
    const applied = model([]);
    const filtered = (filters: Route['filters']) => ({ ...route({ name: 'r', host: 'r.com', tls: routeTls('edge') }), ...(filters ? { filters } : {}) });
    const redirect = { scheme: 'https' as const, hostname: undefined, port: undefined, path: undefined, statusCode: 302 };
    expect(planUpdate(applied, fitToRunning(applied, model([filtered({ request: [], response: [], redirect, rewrite: undefined })]))).kind).toBe('reload');
    expect(planUpdate(applied, fitToRunning(applied, model([filtered({ request: [{ name: 'X', action: 'Set', value: 'v' }], response: [], redirect: undefined, rewrite: undefined })]))).kind).toBe('reload');
    expect(planUpdate(applied, fitToRunning(applied, model([filtered(undefined)]))).kind).toBe('runtime');
  });
});
