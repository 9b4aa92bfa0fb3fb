/**
 * Changes while a reload is held back: dist/router on the scale bench's
 * mix of N routes (bench/scale-manifests.ts) from a manifest directory,
 * `--interval` long, no spare backends. A new route then needs a reload,
 * which waits for the interval; meanwhile one route's endpoint (a service
 * the waiting route does not use) is moved back and forth between two
 * loopback servers, each move timed from the file's write to the first
 * answer from the new server, with the router's CPU (all threads) over
 * the moves. WAITING_TOO=1: the waiting route's own endpoints move too,
 * written just before each move (a new route's pods coming ready while its
 * reload waits). ADDING_TOO=1: a new route with no spare of its shape (a
 * service of its own, another namespace) is written with each move, which
 * may wait for the same reload. EDITING_TOO=1: the waiting route's host
 * changes with each move. RESHAPED=1: the waiting route is one that ran
 * from the start and whose backend's shape changes (its balance), not a
 * new one. Run with `bun run bench:held-reload` after `bun run build`.
 * N (default 10000), CHANGES (default 8), ROUTER_BINARY (default
 * dist/router; several, comma-separated, run in turn), ROUTER_ARGS (more
 * flags, space-separated), ROUTER_LOG (a file for each router's output,
 * `.<n>` appended).
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { routeJson, routeYaml, sliceYaml } from '../test/support/manifests.ts';
import { freePortPair, get } from '../test/support/net.ts';

const root = resolve(import.meta.dir, '..');
const binaries = (process.env.ROUTER_BINARY ?? join(root, 'dist/router')).split(',').map((b) => resolve(b));
const N = Number(process.env.N ?? 10000);
const CHANGES = Number(process.env.CHANGES ?? 8);
const extraArgs = (process.env.ROUTER_ARGS ?? '').split(' ').filter((a) => a !== '');
const logTo = process.env.ROUTER_LOG;
const waitingToo = process.env.WAITING_TOO === '1';
const addingToo = process.env.ADDING_TOO === '1';
const editingToo = process.env.EDITING_TOO === '1';
const reshaped = process.env.RESHAPED === '1';
/** The route whose reload waits: new, or (RESHAPED) running from the start and given another balance. */
const heldRoute = (host: string, waiting: boolean) =>
  reshaped
    ? routeJson({ name: 'held', host, service: 'other', namespace: 'probe', ...(waiting ? { annotations: { 'haproxy.router.openshift.io/balance': 'leastconn' } } : {}) })
    : routeYaml({ name: 'held', host, service: 'other', namespace: 'probe' });

const dir = mkdtempSync(join(tmpdir(), 'rheld-'));
const mix = join(dir, 'mix');
const made = Bun.spawnSync(['bun', 'run', join(root, 'bench/scale-manifests.ts'), String(N), mix], { stdout: 'ignore', stderr: 'inherit' });
if (made.exitCode !== 0) throw new Error('bench/scale-manifests.ts failed');

// Ports the system picks, above the mix's pods (20000 up).
const pods = [0, 1].map(() => Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: (_req, server) => new Response(String(server.port)) }));
const servers = pods.map((pod) => pod.port);

/** utime + stime of `pid`, all threads, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Resolves once `pid` has used CPU (the commit under way) and then been quiet for 2 s: the commit is done. */
async function settled(pid: number): Promise<void> {
  let busy = false;
  let quiet = 0;
  let last = cpuMs(pid);
  while (quiet < 4) {
    await Bun.sleep(500);
    const now = cpuMs(pid);
    if (now - last > 50) busy = true;
    quiet = busy && now - last < 25 ? quiet + 1 : 0;
    last = now;
  }
}

async function servedBy(port: number, httpPort: number, deadlineMs: number): Promise<void> {
  const until = performance.now() + deadlineMs;
  while (performance.now() < until) {
    const answer = await get(httpPort, 'probe.example.com').catch(() => undefined);
    if (answer?.body === String(port)) return;
    await Bun.sleep(2);
  }
  throw new Error(`probe.example.com not served by ${port} within ${deadlineMs} ms`);
}

const rows: string[] = [];
for (const [n, binary] of binaries.entries()) {
  const manifests = join(dir, `m${n}`);
  mkdirSync(manifests);
  writeFileSync(join(manifests, 'mix.json'), readFileSync(join(mix, 'mix.json')));
  const probeSlice = (port: number) => sliceYaml({ service: 'probe', ports: [port], namespace: 'probe' });
  writeFileSync(join(manifests, 'probe.yaml'), routeYaml({ name: 'probe', host: 'probe.example.com', service: 'probe', namespace: 'probe' }));
  writeFileSync(join(manifests, 'probe-eps.yaml'), probeSlice(servers[0] as number));
  if (reshaped) writeFileSync(join(manifests, 'held.yaml'), heldRoute('held.example.com', false));
  const [httpPort, httpsPort] = await freePortPair();
  const router = Bun.spawn(
    [binary, '--manifests', manifests, '--working-dir', join(dir, `w${n}`), '--bind-address', '127.0.0.1', '--http-port', String(httpPort), '--https-port', String(httpsPort), '--interval', '1h', '--blueprint-route-pool-size=0', '--allow-loopback-endpoints', ...extraArgs],
    { env: { ...process.env, ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' }, stdout: logTo ? Bun.file(`${logTo}.${n}`) : 'ignore', stderr: logTo ? Bun.file(`${logTo}.${n}.err`) : 'ignore' },
  );
  try {
    await servedBy(servers[0] as number, httpPort, 600_000);
    // A new route, on a service of its own, with no spare of its shape (or, RESHAPED, a new shape of a running one): its reload waits for --interval.
    writeFileSync(join(manifests, 'held.yaml'), heldRoute('held.example.com', true));
    await settled(router.pid);
    const times: number[] = [];
    const cpu0 = cpuMs(router.pid);
    for (let i = 0; i < CHANGES; i++) {
      const port = servers[(i + 1) % 2] as number;
      const started = performance.now();
      if (waitingToo) writeFileSync(join(manifests, 'held-eps.yaml'), sliceYaml({ service: 'other', ports: [port], namespace: 'probe' }));
      if (addingToo) writeFileSync(join(manifests, `added-${i}.yaml`), routeYaml({ name: `added-${i}`, host: `added-${i}.example.com`, service: `added-${i}`, namespace: 'adder' }));
      if (editingToo) writeFileSync(join(manifests, 'held.yaml'), heldRoute(`held-${i}.example.com`, true));
      writeFileSync(join(manifests, 'probe-eps.yaml.tmp'), probeSlice(port));
      renameSync(join(manifests, 'probe-eps.yaml.tmp'), join(manifests, 'probe-eps.yaml'));
      await servedBy(port, httpPort, 60_000);
      times.push(performance.now() - started);
    }
    const perChange = (cpuMs(router.pid) - cpu0) / CHANGES;
    // Who answers the waiting route: a reshaped one runs as it ran, and (WAITING_TOO) follows its pods meanwhile.
    const answer = await get(httpPort, 'held.example.com');
    const lastPort = String(servers[CHANGES % 2]);
    const held = answer.status === 200 ? `200 from ${answer.body === lastPort ? 'its latest pod' : `port ${answer.body}`}` : String(answer.status);
    const sorted = [...times].sort((a, b) => a - b);
    rows.push(`| ${binary} | ${CHANGES} | ${(sorted[Math.floor(CHANGES / 2)] as number).toFixed(0)} / ${(sorted[CHANGES - 1] as number).toFixed(0)} | ${times.map((t) => t.toFixed(0)).join(', ')} | ${perChange.toFixed(0)} | ${held} |`);
  } finally {
    router.kill('SIGINT');
    await router.exited;
  }
}
for (const pod of pods) pod.stop(true);
rmSync(dir, { recursive: true, force: true });
const along = [waitingToo && 'one of the waiting route', addingToo && 'a new route with no spare', editingToo && "the waiting route's host"].filter(Boolean).join(', ');
console.log(`${N} routes, a reload held back by --interval${reshaped ? " (a running route's new shape)" : ''}, ${CHANGES} endpoint moves of another service${along ? `, each with ${along}` : ''} (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} at the end)\n`);
console.log('| binary | moves | served after the write, p50 / max ms | each move, ms | router CPU per move, ms | held route while waiting |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
