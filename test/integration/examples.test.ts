import { afterAll, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let t: TestRouter | undefined;
afterAll(async () => {
  await t?.stop();
});

test('examples/manifests, as scripts/quickstart.sh serves them (with --enable-ingress), load without a complaint', async () => {
  const dir = join(import.meta.dir, '../../examples/manifests');
  const manifests = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  t = await startTestRouter({ manifests, args: ['--enable-ingress'] });
  const served = [...(t.router.lastCommit()?.admitted.values() ?? [])].map((r) => `${r.host}${r.path} -> ${r.to.name}:${r.targetPort ?? '*'}`).sort();
  expect(served).toEqual(['hello.example.com -> hello:http', 'hello.example.com/api -> api:*', 'ingress.example.com/ -> hello:http', 'ingress.example.com/api -> api:http']);
  // haproxy's own lines say the example backends are not running here; the manifest source says nothing.
  expect(t.logs.filter((r) => (r.level === 'warn' || r.level === 'error') && r.tag === 'manifests')).toEqual([]);
});
