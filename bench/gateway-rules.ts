/**
 * What one tenant's conditional HTTPRoute rules cost other tenants' traffic:
 *   bun run bench:gateway-rules
 * The fake API server and the whole router run in this process (haproxy on
 * loopback). wrk measures requests/s of a plain HTTPRoute's host
 * (`plain.example.com`, host + path only) alone, then again after RULES
 * HTTPRoutes (default 1,000) are added, each on its own host with a rule
 * that matches a header and a plain rule; and the requests/s of those rule
 * hosts themselves (without the header, so every request passes the header
 * rule and is taken by the plain one). Besides requests/s, which other
 * work on the machine moves, the CPU haproxy spent per request (its
 * processes' user + system time over the run, from /proc). SECONDS
 * (default 10) and CONNECTIONS (default 32) per wrk run. Prints Markdown.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayClassObject, gatewayObject, httpRouteObject } from '../test/support/gateway-objects.ts';
import { churnBed } from './churn-bed.ts';
import { runWrk, type WrkResult } from './scale/wrk.ts';

const RULES = Number(process.env.RULES ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);

/** CPU seconds (user + system) of every haproxy process this one started, workers included. */
function haproxyCpuSeconds(): number {
  const stats = new Map<number, string[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces: the fields after it start after its closing parenthesis.
      if (text.includes('(haproxy)')) stats.set(Number(entry), text.slice(text.lastIndexOf(')') + 2).split(' '));
    } catch {
      // The process ended while we looked.
    }
  }
  const ours = (pid: number): boolean => {
    const parent = Number(stats.get(pid)?.[1]);
    return parent === process.pid || (stats.has(parent) && ours(parent));
  };
  let ticks = 0;
  for (const [pid, f] of stats) if (ours(pid)) ticks += Number(f[11]) + Number(f[12]);
  return ticks / 100;
}

interface Measured extends WrkResult {
  cpuUsPerRequest: number;
}

const { bed, api } = await churnBed();
const dir = mkdtempSync(join(tmpdir(), 'gateway-rules-'));
try {
  const server = api.server;
  server.create(gatewayClassObject());
  server.create(httpRouteObject({ name: 'plain', hostnames: ['plain.example.com'], rules: [{ backendRefs: [{ name: 'a' }] }] }));
  const t = await bed.startRouter(api, { args: ['--enable-gateway-api', '--update-status=false'] });
  server.create(gatewayObject({ name: 'gw', listeners: [{ name: 'http', port: t.httpPort, protocol: 'HTTP' }] }));
  await t.until('the plain route is served', async () => (await t.get('plain.example.com')).status === 200, 60_000);
  const wrk = async (hosts: readonly string[]): Promise<Measured> => {
    const cpu = haproxyCpuSeconds();
    const r = await runWrk(dir, t.httpPort, hosts, { seconds: SECONDS, connections: CONNECTIONS, threads: 2 });
    return { ...r, cpuUsPerRequest: ((haproxyCpuSeconds() - cpu) * 1e6) / (r.rps * SECONDS) };
  };
  const plainAlone = await wrk(['plain.example.com']);

  const ruleHosts = Array.from({ length: RULES }, (_, i) => `rule${i}.example.com`);
  ruleHosts.forEach((host, i) =>
    server.create(
      httpRouteObject({
        name: `rule${i}`,
        hostnames: [host],
        rules: [{ matches: [{ headers: [{ name: 'x-tenant', value: `t${i}` }] }], backendRefs: [{ name: 'b' }] }, { backendRefs: [{ name: 'a' }] }],
      }),
    ),
  );
  const last = ruleHosts[RULES - 1] as string;
  await t.until('the rule hosts are served', async () => (await t.get(last)).status === 200, 120_000);
  const plainAmongRules = await wrk(['plain.example.com']);
  const rulesOwn = await wrk(ruleHosts);

  const row = (what: string, r: Measured) => `| ${what} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.cpuUsPerRequest.toFixed(1)} | ${r.bad} |`;
  console.log(`Conditional HTTPRoute rules and other hosts (wrk ${SECONDS} s, ${CONNECTIONS} connections, 2 threads)\n`);
  console.log(`load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end\n`);
  console.log('| requests for | requests/s | haproxy CPU per request, µs | bad answers |\n|---|---|---|---|');
  console.log(row('the plain host, no rules anywhere', plainAlone));
  console.log(row(`the plain host, ${RULES} hosts with header rules`, plainAmongRules));
  console.log(row(`the ${RULES} rule hosts (header missed, plain rule taken)`, rulesOwn));
} finally {
  await bed.teardown();
  rmSync(dir, { recursive: true, force: true });
}
