/**
 * Ingress churn through the API source (issue #14's goal: an Ingress added,
 * changed or removed goes live p99 <= 50 ms with 0 reloads while spares last):
 *   bun run bench:ingress
 * The fake API server and the whole router run in this process (haproxy on
 * loopback ports). BASE Ingresses (default 200) are served first; then ADDS
 * Ingresses (default 50) are created one at a time, each timed from the
 * create until haproxy answers its host from its backend; CHANGES (default
 * 50) move one Ingress's path between two Services, each timed until the
 * other Service answers; the added Ingresses are then deleted, each timed
 * until its host answers 503. POOL sets --blueprint-route-pool-size (adds
 * beyond the spares reload). Prints Markdown.
 */
import { ingressObject } from '../test/support/ingress-objects.ts';
import { modify } from '../test/support/kube-harness.ts';
import { churnBed, TIMED_HEADER, timedRow } from './churn-bed.ts';

const BASE = Number(process.env.BASE ?? 200);
const ADDS = Number(process.env.ADDS ?? 50);
const CHANGES = Number(process.env.CHANGES ?? 50);
const POOL = process.env.POOL;

const { bed, api } = await churnBed();
try {
  const server = api.server;
  const ingress = (i: number, service = 'a') => ingressObject({ name: `i${i}`, rules: [{ host: `i${i}.example.com`, paths: [{ service }] }] });
  for (let i = 0; i < BASE; i++) server.create(ingress(i));
  const t = await bed.startRouter(api, { args: ['--enable-ingress', '--update-status=false', ...(POOL ? [`--blueprint-route-pool-size=${POOL}`] : [])] });
  await t.until('the base Ingresses are served', async () => (await t.get(`i${BASE - 1}.example.com`)).status === 200, 60_000);
  const reloadsBefore = [...t.router.reloadCounts.values()].reduce((a, b) => a + b, 0);
  const timed = async (change: () => void, done: () => Promise<boolean>) => {
    const start = performance.now();
    change();
    while (!(await done()));
    return performance.now() - start;
  };

  const adds: number[] = [];
  for (let i = BASE; i < BASE + ADDS; i++) adds.push(await timed(() => server.create(ingress(i)), async () => (await t.get(`i${i}.example.com`)).backend === 'a'));
  const changes: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const to = i % 2 === 0 ? 'b' : 'a';
    const edit = () =>
      void modify(server, 'Ingress', 'default', 'i0', (o) => {
        (o.spec as { rules: { http: { paths: { backend: { service: { name: string } } }[] } }[] }).rules[0]!.http.paths[0]!.backend.service.name = to;
      });
    changes.push(await timed(edit, async () => (await t.get('i0.example.com')).backend === to));
  }
  const removals: number[] = [];
  for (let i = BASE; i < BASE + ADDS; i++) removals.push(await timed(() => server.remove('Ingress', 'default', `i${i}`), async () => (await t.get(`i${i}.example.com`)).status === 503));
  const reloads = [...t.router.reloadCounts.values()].reduce((a, b) => a + b, 0) - reloadsBefore;

  console.log(`Ingress churn on ${BASE} Ingresses (fake API in process, pool ${POOL ?? 'default'}), reloads during the run: ${reloads}\n`);
  console.log(TIMED_HEADER);
  console.log(timedRow('Ingress added, until served', adds));
  console.log(timedRow("Ingress's backend changed, until the other Service answers", changes));
  console.log(timedRow('Ingress removed, until its host answers 503', removals));
} finally {
  await bed.teardown();
}
