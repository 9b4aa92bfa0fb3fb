import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { templateBrokenByBreakMe } from '../support/broken-template.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

let a: TestBackend;
let b: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  a = startBackend('a');
  b = startBackend('b');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

const generation = (tr: TestRouter) => readlinkSync(join(tr.workingDir, 'conf'));

describe('manifest changes while running', () => {
  test('a route added, changed and removed is served, moved and stopped (watched directory)', async () => {
    t = await startTestRouter({ manifests: { 'eps.yaml': sliceYaml({ service: 'a', ports: [a.port] }) + '---\n' + sliceYaml({ service: 'b', ports: [b.port] }) } });
    expect((await t.get('new.example.com')).status).toBe(503);

    // No explicit rescan here: the directory watcher must notice each change.
    let committed = t.router.nextCommit();
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'a' }));
    await committed;
    expect((await t.get('new.example.com')).backend).toBe('a');

    committed = t.router.nextCommit();
    writeFileSync(join(t.manifestsDir, 'new.yaml'), routeYaml({ name: 'new', host: 'new.example.com', service: 'b' }));
    await committed;
    expect((await t.get('new.example.com')).backend).toBe('b');

    await t.remove('new.yaml');
    expect((await t.get('new.example.com')).status).toBe(503);
  });

  test('endpoints that change move traffic', async () => {
    t = await startTestRouter({ manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }) } });
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port] }));
    expect((await t.get('r.example.com')).backend).toBe('a');
    await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [b.port] }));
    expect((await t.get('r.example.com')).backend).toBe('b');
  });

  test('a broken manifest file is reported and everything else keeps serving', async () => {
    t = await startTestRouter({
      manifests: {
        'good.yaml': routeYaml({ name: 'good', host: 'good.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [a.port] }),
        'later.yaml': routeYaml({ name: 'later', host: 'later.example.com', service: 'a' }),
      },
    });
    await t.write('later.yaml', 'kind: Route\nmetadata: [unclosed\n');
    const error = await t.waitForLog((r) => r.level === 'error' && r.msg.includes('later.yaml'));
    expect(error.msg).toContain('later.yaml');
    expect((await t.get('good.example.com')).backend).toBe('a');
    // The broken file's last good content keeps serving: a half-written file must not drop routes.
    expect((await t.get('later.example.com')).backend).toBe('a');
  });

  test.each([
    ['spaces', 'bad host.example.com'],
    ['quotes', 'bad".example.com'],
    ['a newline', 'bad.example.com\n  bind :1'],
    ['#', 'bad#.example.com'],
  ])('a route whose host contains %s is rejected without touching the config', async (_what, host) => {
    t = await startTestRouter({
      manifests: { 'good.yaml': routeYaml({ name: 'good', host: 'good.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [a.port] }) },
    });
    const before = generation(t);
    await t.write('bad.yaml', routeYaml({ name: 'bad', host, service: 'a' }));
    const rejected = await t.waitForLog((r) => r.msg.includes('route default/bad rejected'));
    expect(rejected.msg).toContain('InvalidHost');
    expect(generation(t)).toBe(before);
    expect((await t.get('good.example.com')).backend).toBe('a');
  });
});

describe('haproxy supervision', () => {
  test('a candidate config haproxy rejects never replaces the running one', async () => {
    const dir = shortTempDir();
    const templatePath = templateBrokenByBreakMe(dir.path);
    try {
      t = await startTestRouter({
        // No spares: the new route's backend must go through a reload, and so through haproxy -c.
        args: [`--template=${templatePath}`, '--blueprint-route-pool-size=0'],
        manifests: { 'good.yaml': routeYaml({ name: 'good', host: 'good.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [a.port] }) },
      });
      const before = generation(t);
      const worker = (await t.router.supervisor.procState())?.workerPids;
      await t.write('break.yaml', routeYaml({ name: 'break-me', host: 'break.example.com', service: 'a' }));
      expect(t.router.lastCommit()?.result).toBe('rejected-by-haproxy');
      const error = await t.waitForLog((r) => r.msg.includes('haproxy rejected the new configuration'));
      expect(error.msg).toContain('no_such_keyword');
      expect(generation(t)).toBe(before);
      expect((await t.router.supervisor.procState())?.workerPids).toEqual(worker);
      expect((await t.get('good.example.com')).backend).toBe('a');
      expect((await t.get('break.example.com')).status).toBe(503);
    } finally {
      dir.remove();
    }
  });

  test('haproxy killed with SIGKILL is restarted and serves again', async () => {
    t = await startTestRouter({
      manifests: { 'good.yaml': routeYaml({ name: 'good', host: 'good.example.com', service: 'a' }) + '---\n' + sliceYaml({ service: 'a', ports: [a.port] }) },
    });
    const pid = t.router.supervisor.masterPid;
    expect(pid).toBeNumber();
    const ready = t.router.supervisor.nextReady();
    process.kill(pid as number, 'SIGKILL');
    await ready;
    expect(t.router.supervisor.masterPid).not.toBe(pid);
    expect((await t.get('good.example.com')).backend).toBe('a');
  });
});
