/**
 * The scale bench's seeded mix (bench/scale.ts) as one manifest file, for
 * measuring the configuration it makes without a cluster:
 *   bun run bench/scale-manifests.ts 10000 /tmp/mix
 *   dist/router render --manifests /tmp/mix --out /tmp/cfg --allow-loopback-endpoints
 *   (cd /tmp/cfg && /usr/bin/time haproxy -c -f haproxy.config -f .)
 * Pods are loopback ports that nothing listens on: enough for a config.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeMixCertificates } from './scale/cluster.ts';
import { buildMix } from './scale/mix.ts';
import { routeObject, sliceObjects } from './scale/objects.ts';
import { readSettings } from './scale/settings.ts';

const [countArg = '10000', out = 'scale-manifests'] = process.argv.slice(2);
const routes = Number(countArg);
if (!Number.isInteger(routes) || routes < 1) throw new Error(`a number of routes, not ${JSON.stringify(countArg)}`);
const s = readSettings();
const ports = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const mix = buildMix({
  routes,
  namespaces: Math.max(1, Math.min(100, Math.ceil(routes / 100))),
  httpPods: ports(20000, s.httpPods),
  tlsPods: ports(20000 + s.httpPods, s.tlsPods),
  maxPodsPerService: s.maxPodsPerService,
  seed: s.seed,
});
const { certs } = makeMixCertificates();
const items = [...mix.services.flatMap(sliceObjects), ...mix.routes.map((r) => routeObject(r, certs))];
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'mix.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
console.log(`${join(out, 'mix.json')}: ${mix.routes.length} routes, ${items.length - mix.routes.length} endpoint slices`);
