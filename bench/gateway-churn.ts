/**
 * HTTPRoute churn through the API source (issue #15's goal: an HTTPRoute
 * added, or its weights changed, served p99 <= 50 ms with 0 reloads):
 *   bun run bench:gateway
 * The fake API server and the whole router run in this process (haproxy on
 * loopback ports). BASE HTTPRoutes (default 200) are served first; then
 * ADDS HTTPRoutes (default 50) are created one at a time, each timed from
 * the create until haproxy answers its host from its backend, and WEIGHTS
 * weight changes (default 50) of one route's two backendRefs, each timed
 * from the update until the commit that applied it. POOL sets
 * --blueprint-route-pool-size (adds beyond the spares reload). Prints Markdown.
 */
import { gatewayClassObject, gatewayObject, httpRouteObject } from '../test/support/gateway-objects.ts';
import { modify } from '../test/support/kube-harness.ts';
import { churnBed, TIMED_HEADER, timedRow } from './churn-bed.ts';

const BASE = Number(process.env.BASE ?? 200);
const ADDS = Number(process.env.ADDS ?? 50);
const WEIGHTS = Number(process.env.WEIGHTS ?? 50);
/** --blueprint-route-pool-size: adds past the spare backends of a shape reload until the pool has grown. */
const POOL = process.env.POOL;

const { bed, api } = await churnBed();
try {
  const server = api.server;
  const route = (i: number, weights: [number, number] = [1, 1]) =>
    httpRouteObject({ name: `r${i}`, hostnames: [`r${i}.example.com`], rules: [{ backendRefs: [{ name: 'a', weight: weights[0] }, { name: 'b', weight: weights[1] }] }] });
  server.create(gatewayClassObject());
  for (let i = 0; i < BASE; i++) server.create(route(i));
  const t = await bed.startRouter(api, { args: ['--enable-gateway-api', '--update-status=false', ...(POOL ? [`--blueprint-route-pool-size=${POOL}`] : [])] });
  server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP' }] }));
  await t.until('the base routes are served', async () => (await t.get(`r${BASE - 1}.example.com`)).status === 200, 60_000);
  const countsBefore = new Map(t.router.reloadCounts);
  const reloadsBefore = [...countsBefore.values()].reduce((a, b) => a + b, 0);

  const adds: number[] = [];
  for (let i = BASE; i < BASE + ADDS; i++) {
    const start = performance.now();
    server.create(route(i));
    while ((await t.get(`r${i}.example.com`)).status !== 200);
    adds.push(performance.now() - start);
  }

  const weights: number[] = [];
  for (let i = 0; i < WEIGHTS; i++) {
    const commit = t.router.nextCommit();
    const start = performance.now();
    modify(server, 'HTTPRoute', 'default', 'r0', (o) => {
      (o.spec as { rules: { backendRefs: { weight: number }[] }[] }).rules[0]?.backendRefs.forEach((b, j) => (b.weight = j === 0 ? 2 + (i % 4) : 1));
    });
    const outcome = await commit;
    weights.push(performance.now() - start);
    if (outcome?.result !== 'runtime') console.error(`weight change ${i}: commit ${outcome?.result}`);
  }
  const reloads = [...t.router.reloadCounts.values()].reduce((a, b) => a + b, 0) - reloadsBefore;

  const why = [...t.router.reloadCounts].filter(([code, n]) => n > (countsBefore.get(code) ?? 0)).map(([code, n]) => `${code} ${n - (countsBefore.get(code) ?? 0)}`);
  console.log(`HTTPRoute churn on ${BASE} HTTPRoutes (fake API in process, pool ${POOL ?? 'default'}), reloads during the run: ${reloads}${why.length > 0 ? ` (${why.join(', ')})` : ''}\n`);
  console.log(TIMED_HEADER);
  console.log(timedRow('HTTPRoute added, until served', adds));
  console.log(timedRow('weights changed, until committed', weights));
} finally {
  await bed.teardown();
}
