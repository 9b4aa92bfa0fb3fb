/** haproxy runs with glibc's malloc on transparent huge pages (src/haproxy/haproxy-env.ts), master and worker alike. */
import { afterAll, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { routeYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let t: TestRouter | undefined;
afterAll(async () => {
  await t?.stop();
});

const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');

test("haproxy's master and worker get glibc.malloc.hugetlb=1", async () => {
  t = await startTestRouter({ manifests: { 'app.yaml': routeYaml({ name: 'app', host: 'app.example.com', service: 'a' }) } });
  const master = t.router.supervisor.masterPid as number;
  expect(environ(master)).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
  const workers = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).map(Number);
  expect(workers.length).toBeGreaterThan(0);
  for (const w of workers) expect(environ(w)).toContain('GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
});
