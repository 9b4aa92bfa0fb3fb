import { describe, expect, test } from 'bun:test';
import type { RouteContribution } from '../config/route-contribution.ts';
import type { ContributionChange, DesiredChange, DesiredIndex } from '../plan/desired-index.ts';
import type { DesiredStep } from '../plan/desired-state.ts';
import { settings } from '../../test/support/fixtures.ts';
import { IncrementalCommits } from './incremental-commits.ts';

/** A route new since the last update: only keys matter here, so its contribution is a stand-in. */
const added = (): ContributionChange => ({ before: undefined, after: {} as RouteContribution });

/** A step that added `routes`, with `verdicts` changed; `shared`: what every route shares changed. */
function step(routes: string[], verdicts: string[] = [], shared = false): DesiredStep {
  const change: DesiredChange = { routes: new Map(routes.map((r) => [r, added()])), mapIds: new Set(routes.map((r) => `map\u0000${r}`)), snis: new Set() };
  return { change, verdicts: new Set(verdicts), settings: shared ? undefined : settings(), defaultCertificate: '' };
}

/** IncrementalCommits over a desired state whose updates return the steps given, in turn. */
function commits(...steps: DesiredStep[]) {
  const queue = [...steps];
  const views = { routes: new Map(), admitted: new Map(), rejected: new Map(), notices: new Map() };
  return new IncrementalCommits({
    update: () => queue.shift() ?? step([]),
    index: {} as DesiredIndex,
    views,
  });
}

const noHeld = new Map();
const running = () => ({ model: undefined, files: undefined, crtLines: undefined });

/** The committer's calls for a reload during which changes go aside: its own changes taken in and a window opened; `done` once it came to `result`. */
function reload(c: IncrementalCommits): { done: (result?: string) => void } {
  c.take(noHeld);
  expect(c.loading()).toBe(true);
  return {
    done: (result = 'reloaded') => {
      c.fullDone(result as 'reloaded', true, undefined, running);
      c.loadedWithAsides();
    },
  };
}

describe('IncrementalCommits during a reload', () => {
  test('no window while the worker is not known to be in step', () => {
    const c = commits(step(['a']));
    c.take(noHeld);
    expect(c.loading()).toBe(false);
  });

  test("the changes taken aside, merged, are the next commit's with its own; the verdicts they changed are reported then", () => {
    const c = commits(step(['reload']), step(['x'], ['x']), step(['y']), step(['own']));
    c.fullDone('started', true, undefined, running);
    const r = reload(c);
    c.takeAside(noHeld);
    c.takeAside(noHeld);
    r.done();
    const next = c.take(noHeld);
    expect([...next.change.routes.keys()].sort()).toEqual(['own', 'x', 'y']);
    expect([...next.change.mapIds].sort()).toEqual(['map\u0000own', 'map\u0000x', 'map\u0000y']);
    expect(c.applied().changed).toEqual(new Set(['x']));
    // Once only.
    expect([...c.take(noHeld).change.routes.keys()]).toEqual([]);
  });

  test('an aside reports only the verdicts it changed', () => {
    const c = commits(step(['reload'], ['reload']), step(['x'], ['x']));
    c.fullDone('started', true, undefined, running);
    reload(c);
    c.takeAside(noHeld);
    expect(c.appliedAside().changed).toEqual(new Set(['x']));
  });

  test.each([
    ['a change aside touched what every route shares', step(['x'], [], true), false, 'reloaded'],
    ['a change aside threw', step(['x']), true, 'reloaded'],
    ['the reload did not leave the worker in step', step(['x']), false, 'rejected-by-haproxy'],
  ] as const)('nothing is carried over when %s: the next commit takes the full step with its own changes', (_, aside, threw, result) => {
    const c = commits(step(['reload']), aside, step(['z']), step(['own']));
    c.fullDone('started', true, undefined, running);
    const r = reload(c);
    c.takeAside(noHeld);
    if (threw) c.asideFailed();
    // A later change that could be followed does not undo it.
    c.takeAside(noHeld);
    r.done(result);
    expect([...c.take(noHeld).change.routes.keys()]).toEqual(['own']);
  });
});

describe('IncrementalCommits after a full commit', () => {
  test("lets go of the commit's change once it is done (after a start it names every route)", () => {
    const refs: WeakRef<DesiredChange>[] = [];
    const c = commits(step(['a', 'b']));
    // In a function of its own, so no register of this test's frame keeps the step.
    (() => refs.push(new WeakRef(c.take(noHeld).change)))();
    c.fullDone('started', true, undefined, running);
    Bun.gc(true);
    expect(refs[0]?.deref()).toBeUndefined();
  });
});
