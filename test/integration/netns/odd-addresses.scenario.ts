/**
 * Runs inside its own network namespace (see test/support/netns.ts): a
 * tenant writes every odd spelling of an address into an EndpointSlice next
 * to a good tenant; reports what the router and haproxy made of it.
 */
import { cpSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { backendFile } from '../../../src/config/config-files.ts';
import { checkConfig } from '../../../src/haproxy/check-config.ts';
import { isCheckBackendName } from '../../../src/domain/names.ts';
import { createRuntimeClient } from '../../../src/haproxy/runtime-api/runtime-client.ts';
import { ADMIN_FORCED_MAINT } from '../../../src/haproxy/runtime-api/servers-state.ts';
import { backendServers, createApp, KubeTestbed, modify, routeObject, serviceObject, sliceObject } from '../../support/kube-harness.ts';
import { ip } from '../../support/netns.ts';
import { ODD } from '../../support/odd-addresses.ts';

export default async function oddAddresses() {
  const bed = new KubeTestbed();
  try {
    // 010.0.0.1 dialled as octal would reach 8.0.0.1; the victim answers on every local address.
    ip('addr', 'add', '8.0.0.1/32', 'dev', 'lo');
    const victim = bed.startBackend('victim', '0.0.0.0');
    const good = bed.startBackend('good');
    const good2 = bed.startBackend('good2');
    const hostileOk = bed.startBackend('hostile-ok');
    const api = await bed.startApi();
    createApp(api.server, { name: 'good', host: 'good.example.com', port: good.port });
    api.server.create(serviceObject('hostile'));
    api.server.create({ ...sliceObject({ service: 'hostile', port: hostileOk.port }), metadata: { name: 'hostile-ok', namespace: 'default', labels: { 'kubernetes.io/service-name': 'hostile' } } });
    api.server.create(routeObject({ name: 'hostile', host: 'hostile.example.com' }));
    api.server.create(serviceObject('v6'));
    api.server.create(routeObject({ name: 'v6', host: 'v6.example.com' }));
    const t = await bed.startRouter(api);
    await t.untilServed('hostile.example.com', 'hostile-ok');

    // While the router runs: the odd slice goes through the runtime API, as `add server` would have taken it.
    api.server.create({ ...sliceObject({ service: 'hostile', port: victim.port, addresses: ODD }), metadata: { name: 'hostile-odd', namespace: 'default', labels: { 'kubernetes.io/service-name': 'hostile' } } });
    api.server.create(sliceObject({ service: 'v6', port: victim.port, addresses: ['FD00:0:0::0001'] }));
    await t.until('the v6 server is written', async () => (await t.config()).includes('[fd00::1]'));
    const refusals = t.logs.filter((r) => r.level === 'warn' && r.tag === 'endpoints').map((r) => r.msg);
    const hostileAnswers: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const answer = await t.get('hostile.example.com');
      const key = answer.backend ?? String(answer.status);
      hostileAnswers[key] = (hostileAnswers[key] ?? 0) + 1;
    }
    const configPath = join(t.router.store.configPath);
    const onDisk = await checkConfig('haproxy', configPath);
    const config = await t.config();
    const running = await createRuntimeClient(join(dirname(dirname(configPath)), 'run', 'haproxy.sock')).showServersState();

    // A later change of the good tenant still goes live.
    modify(api.server, 'EndpointSlice', 'default', 'good-abcde', (s) => {
      (s.ports as { port: number }[])[0]!.port = good2.port;
    });
    await t.untilServed('good.example.com', 'good2');

    // haproxy killed and started again from what is on disk.
    const ready = t.router.supervisor.nextReady();
    process.kill(t.router.supervisor.masterPid as number, 'SIGKILL');
    await ready;
    await t.untilServed('good.example.com', 'good2');
    const afterRestart = { good: (await t.get('good.example.com')).backend, hostile: (await t.get('hostile.example.com')).backend };

    // Second line of defence: a server line that is no IP literal does not keep haproxy from starting.
    // A copy of the generation whose good backend has one line more.
    const copy = join(dirname(dirname(configPath)), 'planted');
    cpSync(realpathSync(dirname(configPath)), copy, { recursive: true });
    const file = join(copy, backendFile('be_http:default:good'));
    writeFileSync(file, readFileSync(file, 'utf8').replace('backend be_http:default:good from routes_http\n', 'backend be_http:default:good from routes_http\n  server planted 08.0.0.1:80\n'));
    const plantedCheck = await checkConfig('haproxy', join(copy, 'haproxy.config'));

    return {
      refusals,
      hostileAnswers,
      onDisk,
      serverLines: config.split('\n').filter((l) => l.trimStart().startsWith('server ')),
      hostileServers: backendServers(config, 'be_http:default:hostile'),
      v6Servers: backendServers(config, 'be_http:default:v6'),
      // Free check slots, in maintenance, point nowhere (0.0.0.0) until an endpoint takes one.
      runningAddresses: running.filter((s) => !isCheckBackendName(s.backend) || (s.adminState & ADMIN_FORCED_MAINT) === 0).map((s) => s.addr),
      afterRestart,
      planted: { lines: readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('planted')), check: plantedCheck },
    };
  } finally {
    await bed.teardown();
  }
}
