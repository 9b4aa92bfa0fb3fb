import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import type { RenderModel } from '../config/render.ts';
import type { Route } from '../domain/route.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { INITIAL_STATE, markApplied, type AppliedState } from './applied-state.ts';
import { decideCommit, planCommit, reloadPlan, type CommitInput, type CommitPlan } from './commit-step.ts';
import { fitToRunning } from './fit-to-running.ts';
import { DEFAULT_RELOAD_BUDGET } from './reload-budget.ts';
import type { ReloadReason } from './reload-reasons.ts';

/** The step only compares files: any faithful text of the model will do. */
const render: RenderModel = (m) => new Map([['model.json', JSON.stringify(m)]]);

const build = (routes: Route[], slices: EndpointSlice[], spares = 2): ConfigModel =>
  buildConfigModel({ routes, slices, settings: settings({ sparesPerShape: spares }), allowAddress: () => true, defaultCertificate: '' });

const a = route({ name: 'a' });
const b = route({ name: 'b' });
const base = build([a], [slice('a', ['10.0.0.1'])]);
const withPod = build([a], [slice('a', ['10.0.0.1', '10.0.0.2'])]);
const withRoute = build([a, b], [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.3'])]);
/** Without spares, any new route needs a reload. */
const bare = build([a], [slice('a', ['10.0.0.1'])], 0);
const bareWithRoute = build([a, b], [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.3'])], 0);

const T0 = 1_000_000;
const RUNNING = { supervising: true, running: true };

/** The state after `m` was loaded at `at` (a plain load: not held). */
function loaded(m: ConfigModel, at = T0 - 60_000, more: Partial<AppliedState> = {}): AppliedState {
  const state = markApplied({ ...INITIAL_STATE, lastReloadAt: at }, { files: render(m), model: m, plain: m }, at).state;
  return { ...state, ...more };
}

function step(state: AppliedState, model: ConfigModel, more: Partial<CommitInput> = {}): CommitPlan {
  return planCommit(state, { model, now: T0, haproxy: RUNNING, runtimeUpdates: true, reloadIntervalMs: 5000, commitIntervalMs: 3_600_000, reloadBudget: DEFAULT_RELOAD_BUDGET, ...more }, render);
}

const reasons = (p: CommitPlan): string[] => ('reasons' in p ? p.reasons.map((r) => r.code) : []);

describe('planCommit', () => {
  const cases: { name: string; state: AppliedState; model: ConfigModel; input?: Partial<CommitInput>; kind: CommitPlan['kind']; reasons?: string[] }[] = [
    { name: 'first commit starts haproxy', state: INITIAL_STATE, model: base, input: { haproxy: { supervising: false, running: false } }, kind: 'reload', reasons: ['initial-load'] },
    { name: 'the same files again change nothing', state: loaded(base), model: base, kind: 'unchanged' },
    { name: 'files haproxy refused last time are not tried again', state: loaded(base, undefined, { refused: render(withRoute) }), model: withRoute, input: { runtimeUpdates: false }, kind: 'unchanged' },
    { name: 'nor is a reload haproxy refused last time, with runtime updates on', state: loaded(bare, undefined, { refused: render(bareWithRoute) }), model: bareWithRoute, kind: 'unchanged' },
    { name: 'a reload other than the one refused goes', state: loaded(bare, undefined, { refused: render(bareWithRoute) }), model: build([a, b], [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.4'])], 0), kind: 'reload' },
    { name: 'a new pod goes through the runtime API', state: loaded(base), model: withPod, kind: 'runtime' },
    { name: 'a new route takes a spare through the runtime API', state: loaded(base), model: withRoute, kind: 'runtime' },
    { name: 'with runtime updates off, a new pod reloads', state: loaded(base), model: withPod, input: { runtimeUpdates: false }, kind: 'reload', reasons: ['runtime-updates-disabled'] },
    { name: 'a route without a spare to take reloads', state: loaded(bare), model: bareWithRoute, kind: 'reload', reasons: ['backend-added'] },
    { name: 'haproxy restarting after a death reloads (it loads the files)', state: loaded(base), model: withPod, input: { haproxy: { supervising: true, running: false } }, kind: 'reload', reasons: ['initial-load'] },
    { name: 'a worker found out of step reloads, even with the same files', state: loaded(base, undefined, { outOfStep: 'worker-out-of-step' }), model: base, kind: 'reload', reasons: ['worker-out-of-step'] },
    { name: 'after a failed runtime batch the reload says so', state: loaded(base, undefined, { outOfStep: 'runtime-update-failed' }), model: withPod, kind: 'reload', reasons: ['runtime-update-failed'] },
    { name: 'a reload within --interval of the last one is deferred', state: loaded(bare, T0 - 1000), model: bareWithRoute, kind: 'defer', reasons: ['backend-added'] },
    { name: 'the first start is never deferred', state: { ...INITIAL_STATE, lastReloadAt: T0 - 1000 }, model: base, input: { haproxy: { supervising: false, running: false } }, kind: 'reload', reasons: ['initial-load'] },
    {
      name: 'a reload only namespaces over their reload budget need waits for their budget',
      state: loaded(bare, undefined, { reloadBudget: new Map([['default', { tokens: 0, at: T0 }]]) }),
      model: bareWithRoute,
      kind: 'defer',
      reasons: ['backend-added'],
    },
    { name: 'a hold older than --commit-interval reloads with nothing else to do', state: loaded(base, undefined, { heldSince: T0 - 3_600_000 }), model: base, kind: 'reload', reasons: ['commit-interval'] },
    { name: 'a younger hold waits', state: loaded(base, undefined, { heldSince: T0 - 1000 }), model: base, kind: 'unchanged' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = step(c.state, c.model, c.input);
      expect(plan.kind).toBe(c.kind);
      if (c.reasons) expect(reasons(plan)).toEqual(c.reasons);
    });
  }

  test("a certificate rotation that must reload is charged to the route's namespace, and waits once its budget is spent", () => {
    // With HTTP/2 on, a certificate only one route serves is a crt-list line with options, which leaves by a reload (certificate-plan.ts).
    const edge = (certificate: string) => build([route({ name: 'e', host: 'e.com', tls: routeTls('edge', { certificate, key: 'KEY' }) })], []);
    const rotated: ReloadReason[] = [{ code: 'crt-list-line-options', backend: undefined, route: 'default/e' }];
    const withBudget = step(loaded(edge('CERT-1')), edge('CERT-2'));
    expect(withBudget.kind).toBe('reload');
    expect(withBudget.kind === 'reload' && withBudget.reasons).toEqual(rotated);
    const spent = step(loaded(edge('CERT-1'), undefined, { reloadBudget: new Map([['default', { tokens: 0, at: T0 }]]) }), edge('CERT-2'));
    if (spent.kind !== 'defer') throw new Error(spent.kind);
    expect(spent.overBudget).toBe(true);
    expect(spent.reasons).toEqual(rotated);
    expect(spent.retryAfterMs).toBe(DEFAULT_RELOAD_BUDGET.refillMs);
  });

  test('the connection limit follows the descriptor budget live, down and back up to what the worker loaded; above that it reloads', () => {
    const limited = (maxConnections: number, sl = slice('a', ['10.0.0.1'])) =>
      buildConfigModel({ routes: [a], slices: [sl], settings: settings({ sparesPerShape: 2, maxConnections }), allowAddress: () => true, defaultCertificate: '' });
    const worker = loaded(limited(3000), undefined, { loadedMaxConnections: 3000 });
    const lower = step(worker, limited(2488, slice('a', ['10.0.0.1', '10.0.0.2'])));
    if (lower.kind !== 'runtime') throw new Error(lower.kind);
    expect(lower.commands[0]).toEqual({ kind: 'set-maxconn-global', maxconn: 2488 });
    const lowered = markApplied(worker, lower, T0).state;
    const back = step(lowered, limited(3000));
    expect(back.kind === 'runtime' && back.commands.at(-1)).toEqual({ kind: 'set-maxconn-global', maxconn: 3000 });
    expect(reasons(step(lowered, limited(3001)))).toEqual(['settings-changed']);
  });

  test('a reload runs the plain model (every route on its own backend), a runtime update the fitted one', () => {
    const runtime = step(loaded(base), withRoute);
    if (runtime.kind !== 'runtime') throw new Error(runtime.kind);
    expect(runtime.model.backends.map((x) => x.name)).toContain('be_http:_spare:1');
    expect(runtime.model.backends.map((x) => x.name)).not.toContain('be_http:default:b');
    expect(runtime.plain).toBe(withRoute);
    const reload = step(loaded(base), withRoute, { runtimeUpdates: false });
    if (reload.kind !== 'reload') throw new Error(reload.kind);
    expect(reload.model).toBe(withRoute);
    expect(reload.files).toEqual(render(withRoute));
  });

  test('a deferred reload sends meanwhile the endpoint changes of backends it does not need', () => {
    const grown = build([a, b], [slice('a', ['10.0.0.1', '10.0.0.2']), slice('b', ['10.0.0.3'])], 0);
    const plan = step(loaded(bare, T0 - 1000), grown);
    if (plan.kind !== 'defer') throw new Error(plan.kind);
    expect(plan.retryAfterMs).toBe(4000);
    expect(plan.subset?.commands.some((c) => c.kind === 'add-server' && c.backend === 'be_http:default:a')).toBe(true);
    expect(plan.subset?.model.backends.map((x) => x.name)).not.toContain('be_http:default:b');
  });

  test('no runtime subset is sent to a worker out of step', () => {
    const plan = step(loaded(base, T0 - 1000, { outOfStep: 'runtime-update-failed' }), withPod);
    expect(plan.kind).toBe('defer');
    expect(plan.kind === 'defer' && plan.subset).toBeUndefined();
  });

  test('every plan but unchanged carries the certificates to write first', () => {
    const plan = step(INITIAL_STATE, base, { haproxy: { supervising: false, running: false } });
    expect(plan.kind !== 'unchanged' && plan.certificates).toBe(base.certificates);
  });

  test('a load sizes each spare pool from how many spares routes took since the last one', () => {
    // Both HTTP spares of `base` went to routes: the next load renders twice as many, and the other pools as they were.
    const c = route({ name: 'c' });
    const running = fitToRunning(base, build([a, b, c], [slice('a', ['10.0.0.1'])]));
    expect(running.backends.filter((x) => x.name.startsWith('be_http:_spare:') && x.routeKey !== '')).toHaveLength(2);
    const plan = step(loaded(running, undefined, { outOfStep: 'worker-out-of-step' }), build([a, b, c], [slice('a', ['10.0.0.1'])]));
    if (plan.kind !== 'reload') throw new Error(plan.kind);
    const pool = (name: string) => plan.model.backends.filter((x) => x.name.startsWith(name)).length;
    expect(pool('be_http:_spare:')).toBe(4);
    expect(pool('be_edge_http:_spare:')).toBe(2);
    expect(plan.files).toEqual(render(plan.model));
  });

  test('a reload renders once, the plain model it loads; a runtime update renders the fitted model', () => {
    const events: string[] = [];
    const logged: RenderModel = (m) => {
      events.push('render');
      return render(m);
    };
    const input = (model: ConfigModel, more: Partial<CommitInput> = {}): CommitInput => ({
      model,
      now: T0,
      haproxy: RUNNING,
      runtimeUpdates: true,
      reloadIntervalMs: 5000,
      commitIntervalMs: 3_600_000,
      reloadBudget: DEFAULT_RELOAD_BUDGET,
      ...more,
    });
    const reload = planCommit(loaded(bare), input(bareWithRoute), logged);
    expect(reload.kind).toBe('reload');
    expect(events).toEqual(['render']);
    expect(reload.kind === 'reload' && reload.files).toEqual(render(reload.kind === 'reload' ? reload.plain : bare));
    events.length = 0;
    expect(planCommit(loaded(base), input(withRoute), logged).kind).toBe('runtime');
    expect(events).toEqual(['render']);
    events.length = 0;
    const routes = Array.from({ length: 100 }, (_, i) => route({ name: `r${i}` }));
    expect(planCommit(INITIAL_STATE, input(build(routes, []), { haproxy: { supervising: false, running: false } }), logged).kind).toBe('reload');
    expect(events).toEqual(['render']);
  });

  test('decideCommit leaves the render of a reload to the caller, and reloadPlan turns the files into what planCommit plans', () => {
    const input = (model: ConfigModel): CommitInput => ({ model, now: T0, haproxy: RUNNING, runtimeUpdates: true, reloadIntervalMs: 5000, commitIntervalMs: 3_600_000, reloadBudget: DEFAULT_RELOAD_BUDGET });
    let renders = 0;
    const counting: RenderModel = (m) => {
      renders++;
      return render(m);
    };
    const state = loaded(bare);
    const decided = decideCommit(state, input(bareWithRoute), counting);
    if (decided.kind !== 'render-reload') throw new Error(decided.kind);
    expect(renders).toBe(0);
    const files = render(decided.model);
    expect(reloadPlan(state, decided, files)).toEqual(planCommit(state, input(bareWithRoute), render));
    // The candidate haproxy refused last is not tried again, however it was rendered.
    expect(reloadPlan({ ...state, refused: files }, decided, files)).toEqual({ kind: 'unchanged' });
  });

  test('the first start renders once, its pools sized from its routes (a spare per 4 routes of a shape while the pool is small)', () => {
    const routes = Array.from({ length: 100 }, (_, i) => route({ name: `r${i}` }));
    const desired = build(routes, []);
    let renders = 0;
    const counting: RenderModel = (m) => {
      renders++;
      return render(m);
    };
    const plan = planCommit(INITIAL_STATE, { model: desired, now: T0, haproxy: { supervising: false, running: false }, runtimeUpdates: true, reloadIntervalMs: 5000, commitIntervalMs: 3_600_000, reloadBudget: DEFAULT_RELOAD_BUDGET }, counting);
    if (plan.kind !== 'reload') throw new Error(plan.kind);
    expect(plan.start).toBe(true);
    expect(renders).toBe(1);
    expect(plan.model.backends.filter((x) => x.name.startsWith('be_http:_spare:'))).toHaveLength(25);
  });
});
