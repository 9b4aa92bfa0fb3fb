/**
 * The churn benchmark's annotated-route steps (issue #13's goal): routes
 * added with timeout, allowlist and HSTS annotations, and those annotations
 * changed on live routes, each timed until a request through haproxy shows
 * it (its Strict-Transport-Security value).
 */
import type { FakeApiServer } from '../test/support/fake-api/fake-api-server.ts';

const H = 'haproxy.router.openshift.io/';

/** An edge route that allows plain HTTP (the bench's load uses port 80), with the three annotations. */
export const annotatedRoute = (i: number, hsts: string, allow = '127.0.0.0/8') => ({
  apiVersion: 'route.openshift.io/v1',
  kind: 'Route',
  metadata: { name: `a${i}`, namespace: 'bench', annotations: { [`${H}timeout`]: '20s', [`${H}ip_allowlist`]: allow, [`${H}hsts_header`]: hsts } },
  spec: { host: `a${i}.bench.example.com`, to: { kind: 'Service', name: `s${i}` }, tls: { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' } },
});

/** Milliseconds until `host` answers 200 with `hsts`, polling every 2 ms; undefined after 40 s. */
async function until(httpPort: number, host: string, hsts: string, t0: number): Promise<number | undefined> {
  for (let k = 0; k < 20_000; k++) {
    const res = await fetch(`http://127.0.0.1:${httpPort}/`, { headers: { Host: host } }).catch(() => undefined);
    if (res?.status === 200 && res.headers.get('strict-transport-security') === hsts) return Date.now() - t0;
    await Bun.sleep(2);
  }
  return undefined;
}

/**
 * Adds `count` annotated routes (services `first`.. already have slices),
 * then changes each one's HSTS value, timeout and allowlist; returns the
 * latencies of both.
 */
export async function annotatedChurn(api: FakeApiServer, httpPort: number, first: number, count: number): Promise<{ added: number[]; changed: number[] }> {
  const added: number[] = [];
  const changed: number[] = [];
  for (let c = 0; c < count; c++) {
    const t0 = Date.now();
    api.create(annotatedRoute(first + c, 'max-age=300'));
    const ms = await until(httpPort, `a${first + c}.bench.example.com`, 'max-age=300', t0);
    if (ms !== undefined) added.push(ms);
  }
  for (let c = 0; c < count; c++) {
    const t0 = Date.now();
    const route = annotatedRoute(first + c, 'max-age=600;includeSubDomains', '127.0.0.1 10.0.0.0/8');
    route.metadata.annotations[`${H}timeout`] = '45s';
    api.update(route);
    const ms = await until(httpPort, `a${first + c}.bench.example.com`, 'max-age=600;includeSubDomains', t0);
    if (ms !== undefined) changed.push(ms);
  }
  return { added, changed };
}
