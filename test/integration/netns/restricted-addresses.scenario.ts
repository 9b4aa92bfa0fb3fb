/**
 * Runs inside its own network namespace (see test/support/netns.ts): routes
 * whose only endpoint is a restricted address (cloud metadata, loopback,
 * its IPv4-mapped spelling) next to one whose endpoint is an ordinary
 * remote address, with and without --allow-loopback-endpoints; reports the
 * servers each backend got and what each host answered.
 */
import { backendServers, KubeTestbed, routeObject, sliceObject, type KubeApi } from '../../support/kube-harness.ts';

const HOSTS = ['metadata', 'loop', 'mapped', 'remote'] as const;

function createRestricted(api: KubeApi, loopbackPort: number): void {
  api.server.create(sliceObject({ service: 'metadata', port: 80, addresses: ['169.254.169.254'] }));
  api.server.create(sliceObject({ service: 'mapped', port: loopbackPort, addresses: ['::ffff:127.0.0.1'], addressType: 'IPv6' }));
  api.server.create(sliceObject({ service: 'loop', port: loopbackPort, addresses: ['127.0.0.1'] }));
  // TEST-NET-1: routable in principle, so it must stay a server (in this namespace it leads nowhere).
  api.server.create(sliceObject({ service: 'remote', port: 8080, addresses: ['192.0.2.10'] }));
  for (const name of HOSTS) api.server.create(routeObject({ name, host: `${name}.example.com` }));
}

export interface RestrictedResult {
  allowLoopback: boolean;
  servers: Record<string, string[] | undefined>;
  answers: Record<string, string>;
  warnedLoopback: boolean;
}

async function run(allowLoopback: boolean): Promise<RestrictedResult> {
  const bed = new KubeTestbed();
  try {
    const api = await bed.startApi();
    const local = bed.startBackend('local');
    createRestricted(api, local.port);
    const t = await bed.startRouter(api, { allowLoopback });
    const config = await t.config();
    const servers: RestrictedResult['servers'] = {};
    const answers: Record<string, string> = {};
    for (const name of HOSTS) {
      servers[name] = backendServers(config, `be_http:default:${name}`);
      if (name === 'remote') continue;
      const a = await t.get(`${name}.example.com`);
      answers[name] = a.status === 200 ? (a.backend ?? '?') : String(a.status);
    }
    const warnedLoopback = t.logs.some((r) => r.level === 'warn' && r.msg.includes('--allow-loopback-endpoints'));
    return { allowLoopback, servers, answers, warnedLoopback };
  } finally {
    await bed.teardown();
  }
}

export default async function restrictedAddresses(): Promise<RestrictedResult[]> {
  return [await run(false), await run(true)];
}
