/**
 * Runs inside its own network namespace (see test/support/netns.ts), which
 * stands for the router's host: a veth pair with an address, an address on
 * lo, services listening there; reports which endpoints the router served.
 */
import { createApp, KubeTestbed, modify, routeObject, serviceObject, sliceObject, type KubeTestRouter } from '../../support/kube-harness.ts';
import type { KubeObject } from '../../support/fake-api/fake-api-server.ts';
import { ip } from '../../support/netns.ts';

const refusedAs = (t: KubeTestRouter, address: string) =>
  t.logs.filter((r) => r.tag === 'endpoints' && r.level === 'warn' && r.msg.startsWith(`endpoint address "${address}" `)).map((r) => r.msg.replace(/^.* refused: /, ''));

async function answers(t: KubeTestRouter, hosts: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const host of hosts) {
    const a = await t.get(host);
    out[host] = a.status === 200 ? (a.backend ?? '?') : String(a.status);
  }
  return out;
}

export default async function hostEndpoints() {
  const bed = new KubeTestbed();
  try {
    // Both ends down: os.networkInterfaces() does not list the address, yet the kernel delivers to it.
    ip('link', 'add', 'rt-host0', 'type', 'veth', 'peer', 'name', 'rt-peer0');
    ip('addr', 'add', '10.200.0.1/24', 'dev', 'rt-host0');
    ip('addr', 'add', '10.255.0.1/32', 'dev', 'lo');
    const onVeth = bed.startBackend('on-veth', '10.200.0.1');
    const onLo = bed.startBackend('on-lo', '10.255.0.1');
    // A service listening on every address, as sshd or the kubelet do.
    const anyAddress = bed.startBackend('any-address', '0.0.0.0');
    const api = await bed.startApi();
    createApp(api.server, { name: 'good', host: 'good.example.com', port: bed.startBackend('good').port });
    const good2 = bed.startBackend('good2');
    const app = (name: string, address: string, port: number) => {
      api.server.create(serviceObject(name));
      api.server.create(sliceObject({ service: name, port, addresses: [address] }));
      api.server.create(routeObject({ name, host: `${name}.example.com` }));
    };
    app('veth', '10.200.0.1', onVeth.port);
    app('lo', '10.255.0.1', onLo.port);
    app('mapped', '::ffff:10.255.0.1', onLo.port);
    app('late', '10.200.0.7', anyAddress.port);
    app('polled', '10.200.0.8', anyAddress.port);
    const hosts = ['good', 'veth', 'lo', 'mapped', 'late', 'polled'].map((n) => `${n}.example.com`);

    const t = await bed.startRouter(api);
    const byDefault = {
      answers: await answers(t, hosts),
      refusals: Object.fromEntries(['10.200.0.1', '10.255.0.1', '::ffff:10.255.0.1'].map((a) => [a, refusedAs(t, a)])),
      lateWritten: (await t.config()).includes(' 10.200.0.7:'),
    };

    // The address becomes the host's while the router runs: the next commit, whatever causes it, refuses it.
    ip('addr', 'add', '10.200.0.7/32', 'dev', 'rt-host0');
    let committed = false;
    void t.router.nextCommit().then(() => (committed = true));
    modify(api.server, 'EndpointSlice', 'default', 'good-abcde', (s: KubeObject) => {
      (s.ports as { port: number }[])[0]!.port = good2.port;
    });
    await t.until('the next commit', () => committed);
    const afterAdd = { lateWritten: (await t.config()).includes(' 10.200.0.7:'), refusals: refusedAs(t, '10.200.0.7'), late: (await answers(t, ['late.example.com']))['late.example.com'] };

    // With no change in the API at all, the router notices by itself.
    ip('addr', 'add', '10.200.0.8/32', 'dev', 'rt-host0');
    await t.until('10.200.0.8 refused', async () => !(await t.config()).includes(' 10.200.0.8:'), 10_000);
    const polled = { refusals: refusedAs(t, '10.200.0.8') };
    await t.router.stop();

    const allowed = await bed.startRouter(api, { args: ['--allow-host-endpoints'] });
    const withFlag = await answers(allowed, hosts);
    await allowed.router.stop();

    const restricted = await bed.startRouter(api, { args: ['--allow-host-endpoints', '--endpoint-cidrs=10.255.0.0/24,fd00:1::/64'] });
    const withCidrs = {
      answers: await answers(restricted, hosts),
      refusals: Object.fromEntries(['10.200.0.1', '10.255.0.1', '::ffff:10.255.0.1', '127.0.0.1'].map((a) => [a, refusedAs(restricted, a)])),
    };
    return { byDefault, afterAdd, polled, withFlag, withCidrs };
  } finally {
    await bed.teardown();
  }
}
