import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommitOutcome } from '../../src/commit/outcome.ts';
import { checkConfig } from '../../src/haproxy/check-config.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { workingPaths } from '../../src/working-paths.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { templateBrokenByBreakMe } from '../support/broken-template.ts';
import { routeJson, routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

let a: TestBackend;
let b: TestBackend;
let t: TestRouter | undefined;
/** Lets a reload a failed test left held go on, so the router can stop. */
let releaseHeld: (() => void) | undefined;

beforeAll(() => {
  a = startBackend('a');
  b = startBackend('b');
});
afterEach(async () => {
  releaseHeld?.();
  releaseHeld = undefined;
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

/** A point a reload stops at until the test lets it go on. */
function gate() {
  let reached!: () => void;
  let release!: () => void;
  const reachedP = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  releaseHeld = () => release();
  return {
    reached: reachedP,
    release,
    async pass(): Promise<void> {
      reached();
      await released;
    },
  };
}

/** The worker that answers on the admin socket. */
async function answeringPid(tr: TestRouter): Promise<number | undefined> {
  const info = await socketCommand(workingPaths(tr.workingDir).adminSocket, 'show info').catch(() => '');
  const pid = /^Pid: (\d+)$/m.exec(info)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** Outcomes of every commit from now on, aside ones included, in order. */
function collectOutcomes(tr: TestRouter): { outcomes: CommitOutcome[]; stop(): void } {
  const outcomes: CommitOutcome[] = [];
  let on = true;
  const next = () =>
    void tr.router.nextCommit().then((o) => {
      if (!on) return;
      if (o) outcomes.push(o);
      next();
    });
  next();
  return { outcomes, stop: () => (on = false) };
}

/** Moves service s's pod to backend b while a reload is held, and resolves with the aside commit that took the move. */
async function moveSAside(tr: TestRouter): Promise<CommitOutcome | undefined> {
  const aside = tr.router.nextCommit();
  writeFileSync(join(tr.manifestsDir, 's-eps.yaml'), sliceYaml({ service: 's', ports: [b.port] }));
  await tr.source.rescan();
  return aside;
}

/** Adds route `new` to service r: with no spare of its shape, a reload. */
async function addRouteThatReloads(tr: TestRouter): Promise<void> {
  writeFileSync(join(tr.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'r' }));
  await tr.source.rescan();
}

/**
 * Lets the held reload of addRouteThatReloads go on, after s moved aside:
 * a new worker answers, the commits `seen` saw were the aside, the reload
 * and the change its new worker was loaded without (planned from itself),
 * and the new worker serves the move and the new route.
 */
async function releaseAndCatchUp(tr: TestRouter, held: ReturnType<typeof gate>, seen: ReturnType<typeof collectOutcomes>, oldPid: number | undefined): Promise<void> {
  held.release();
  await tr.router.flush();
  seen.stop();
  expect(await answeringPid(tr)).not.toBe(oldPid);
  expect(seen.outcomes.map((o) => o.result)).toEqual(['runtime', 'reloaded', 'runtime']);
  for (let i = 0; i < 5; i++) expect((await tr.get('s.example.com')).backend).toBe('b');
  expect((await tr.get('new.example.com')).backend).toBe('a');
}

const manifests = () => ({
  'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }),
  's.yaml': routeYaml({ name: 's', host: 's.example.com', service: 's' }),
  'r-eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }),
  's-eps.yaml': sliceYaml({ service: 's', ports: [a.port] }),
});

describe('changes that arrive while a reload is under way', () => {
  test('go to the worker being replaced at once, and to the new worker right after it serves', async () => {
    const held = gate();
    t = await startTestRouter({
      // No spares: the new route needs a reload.
      args: ['--blueprint-route-pool-size=0'],
      manifests: manifests(),
      supervisorHooks: { beforeReload: () => held.pass() },
    });
    const oldPid = await answeringPid(t);
    await addRouteThatReloads(t);
    await held.reached;

    const seen = collectOutcomes(t);
    expect(await moveSAside(t)).toMatchObject({ result: 'runtime', changed: new Set() });
    // The reload has not begun: the old worker serves the move.
    expect(await answeringPid(t)).toBe(oldPid);
    expect((await t.get('s.example.com')).backend).toBe('b');

    await releaseAndCatchUp(t, held, seen, oldPid);
    expect((await t.get('r.example.com')).backend).toBe('a');
  }, 30_000);

  test('go aside while the reload renders its candidate, before its check begins', async () => {
    const held = gate();
    let holdRender = false;
    let checks = 0;
    const steps: string[] = [];
    t = await startTestRouter({
      args: ['--blueprint-route-pool-size=0'],
      manifests: manifests(),
      renderTurn: async () => {
        if (!holdRender) return;
        holdRender = false;
        steps.push('render');
        await held.pass();
      },
      wrapChecker: (checker) => ({
        check(path, opts) {
          if (!opts?.background) {
            checks++;
            steps.push('check');
          }
          return checker.check(path, opts);
        },
      }),
    });
    steps.length = 0;
    const oldPid = await answeringPid(t);
    const checksBefore = checks;
    holdRender = true;
    await addRouteThatReloads(t);
    await held.reached;

    const seen = collectOutcomes(t);
    expect(await moveSAside(t)).toMatchObject({ result: 'runtime', changed: new Set() });
    expect(checks).toBe(checksBefore);
    expect(await answeringPid(t)).toBe(oldPid);
    expect((await t.get('s.example.com')).backend).toBe('b');

    await releaseAndCatchUp(t, held, seen, oldPid);
    expect(steps).toEqual(['render', 'check']);
  }, 30_000);

  test('a route added is served by the worker being replaced and reported admitted at once; the new worker serves it right after', async () => {
    const held = gate();
    t = await startTestRouter({ manifests: manifests(), supervisorHooks: { beforeReload: () => held.pass() } });
    // A new balance is a backend line: a reload.
    writeFileSync(join(t.manifestsDir, 'r.yaml'), routeJson({ name: 'r', host: 'r.example.com', annotations: { 'haproxy.router.openshift.io/balance': 'leastconn' } }));
    await t.source.rescan();
    await held.reached;

    const seen = collectOutcomes(t);
    const aside = t.router.nextCommit();
    writeFileSync(join(t.manifestsDir, 'late.yaml'), routeYaml({ name: 'late', host: 'late.example.com', service: 's' }));
    await t.source.rescan();
    const outcome = await aside;
    expect(outcome).toMatchObject({ result: 'runtime', changed: new Set(['default/late']) });
    expect(outcome?.admitted.has('default/late')).toBe(true);
    expect((await t.get('late.example.com')).backend).toBe('a');

    held.release();
    await t.router.flush();
    seen.stop();
    expect(seen.outcomes.map((o) => o.result)).toEqual(['runtime', 'reloaded', 'runtime']);
    // The reload's outcome reports the route the aside admitted, not the verdicts it read before.
    expect(seen.outcomes[1]?.admitted.has('default/late')).toBe(true);
    for (let i = 0; i < 5; i++) expect((await t.get('late.example.com')).backend).toBe('a');
    expect((await t.get('r.example.com')).backend).toBe('a');
  }, 30_000);

  test('a change the new worker already answers for waits for the reload, and reaches the new worker', async () => {
    const held = gate();
    t = await startTestRouter({
      args: ['--blueprint-route-pool-size=0'],
      manifests: manifests(),
      supervisorHooks: {
        // Held once the new worker answers on the socket: a change planned for the old one must not reach it.
        afterReload: async (workerPid) => {
          while ((await answeringPid(t as TestRouter)) !== workerPid) await Bun.sleep(10);
          await held.pass();
        },
      },
    });
    await addRouteThatReloads(t);
    await held.reached;

    const seen = collectOutcomes(t);
    const warned = t.logs.length;
    writeFileSync(join(t.manifestsDir, 's-eps.yaml'), sliceYaml({ service: 's', ports: [b.port] }));
    await t.source.rescan();
    await t.waitForLog((r) => r.msg.includes('change during a reload waits for it: the new worker of the reload under way answered'));
    held.release();
    await t.router.flush();
    seen.stop();
    expect(seen.outcomes.map((o) => o.result)).toEqual(['reloaded', 'runtime']);
    for (let i = 0; i < 5; i++) expect((await t.get('s.example.com')).backend).toBe('b');
    expect((await t.get('new.example.com')).backend).toBe('a');
    expect(t.logs.slice(warned).filter((r) => r.level === 'warn' || r.level === 'error')).toEqual([]);
  }, 30_000);

  test('a reload haproxy refuses leaves the old worker with the changes that went aside, and the disk too', async () => {
    const held = gate();
    let holdNextCheck = false;
    const dir = shortTempDir();
    const templatePath = templateBrokenByBreakMe(dir.path);
    try {
      t = await startTestRouter({
        // No spares: the new route's backend must go through a reload, and so through haproxy -c.
        args: [`--template=${templatePath}`, '--blueprint-route-pool-size=0'],
        manifests: manifests(),
        wrapChecker: (checker) => ({
          async check(path, opts) {
            if (holdNextCheck && !opts?.background) {
              holdNextCheck = false;
              await held.pass();
            }
            return checker.check(path, opts);
          },
        }),
      });
      const workers = (await t.router.supervisor.procState())?.workerPids;
      holdNextCheck = true;
      writeFileSync(join(t.manifestsDir, 'break.yaml'), routeYaml({ name: 'break-me', host: 'break.example.com', service: 'r' }));
      await t.source.rescan();
      await held.reached;

      const seen = collectOutcomes(t);
      expect(await moveSAside(t)).toMatchObject({ result: 'runtime' });
      held.release();
      await t.router.flush();
      seen.stop();
      expect(seen.outcomes[1]?.result).toBe('rejected-by-haproxy');
      expect((await t.router.supervisor.procState())?.workerPids).toEqual(workers);
      expect((await t.get('s.example.com')).backend).toBe('b');
      // The files on disk hold what the worker holds, and haproxy accepts them.
      const config = join(t.workingDir, 'conf', 'haproxy.config');
      expect((await checkConfig('haproxy', config)).output.filter((l) => l.startsWith('[ALERT]'))).toEqual([]);
      const ready = t.router.supervisor.nextReady();
      process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
      await ready;
      await t.router.flush();
      for (let i = 0; i < 5; i++) expect((await t.get('s.example.com')).backend).toBe('b');
    } finally {
      dir.remove();
    }
  }, 30_000);
});
