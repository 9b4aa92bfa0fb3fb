import type { KubeObject } from './fake-api/types.ts';
import { ODD } from './odd-addresses.ts';

/**
 * Hostile tenants' Routes, Services and EndpointSlices as they would reach
 * the API (names the API server would accept, anything at all in the
 * fields), drawn from a seeded PRNG so a failing case replays from its seed.
 */
export interface HostileObjects {
  /** Created first, in this order. */
  initial: KubeObject[];
  /** Rewrites of some of them (same names), applied next. */
  rewritten: KubeObject[];
  /** Then these are deleted. */
  deleted: { kind: 'Route' | 'EndpointSlice'; namespace: string; name: string }[];
}

type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
const NAMESPACES = ['tenant-a', 'tenant-b', 'tenant-c'];
const INJECTIONS = ['\n  server x 1.2.3.4:1', '%[src]', '"; bind :1', '\r\nuse_backend x', '${HOME}', ' acl x src 0.0.0.0/0', 'é\u2028', '\0'];
const ANNOTATIONS = [
  'haproxy.router.openshift.io/ip_allowlist',
  'haproxy.router.openshift.io/ip_whitelist',
  'haproxy.router.openshift.io/timeout',
  'haproxy.router.openshift.io/rate-limit-connections',
  'haproxy.router.openshift.io/hsts_header',
  'haproxy.router.openshift.io/rewrite-target',
  'router.openshift.io/cookie_name',
];

function hostOf(rand: Rand, goodHosts: readonly string[], i: number): string {
  switch (Math.floor(rand() * 6)) {
    case 0:
      // Another tenant's host: must stay theirs.
      return pick(rand, goodHosts);
    case 1:
      return `*.${pick(rand, goodHosts)}`;
    case 2:
      return `h${i}.hostile.example.com${pick(rand, INJECTIONS)}`;
    case 3:
      return `${'x'.repeat(60)}.${'y'.repeat(60)}.${'z'.repeat(60)}.example.com`;
    default:
      return `h${i}.hostile.example.com`;
  }
}

function annotationsOf(rand: Rand): Record<string, string> {
  const out: Record<string, string> = {};
  const n = Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) {
    const name = pick(rand, ANNOTATIONS);
    out[name] = pick(rand, ['0.0.0.0/0', '127.0.0.1 010.0.0.1', ` ${pick(rand, INJECTIONS)}`, `10s${pick(rand, INJECTIONS)}`, 'max-age=31536000', '::/0 1.2.3.4/99']);
  }
  return out;
}

function tlsOf(rand: Rand): Record<string, string> | undefined {
  if (rand() < 0.5) return undefined;
  const junk = `-----BEGIN CERTIFICATE-----\n${pick(rand, INJECTIONS)}\n-----END CERTIFICATE-----\n`;
  return {
    termination: pick(rand, ['edge', 'reencrypt', 'passthrough', 'bogus']),
    insecureEdgeTerminationPolicy: pick(rand, ['', 'None', 'Allow', 'Redirect']),
    ...(rand() < 0.5 ? { certificate: junk, key: junk } : {}),
    ...(rand() < 0.2 ? { destinationCACertificate: junk } : {}),
  };
}

function routeOf(rand: Rand, i: number, namespace: string, goodHosts: readonly string[]): KubeObject {
  const name = rand() < 0.1 ? `r${i}-${'n'.repeat(240)}` : `r${i}`;
  const tls = tlsOf(rand);
  return {
    kind: 'Route',
    metadata: { name, namespace, annotations: annotationsOf(rand) },
    spec: {
      host: hostOf(rand, goodHosts, i),
      ...(rand() < 0.5 ? { path: pick(rand, ['/', '/api', `/x${pick(rand, INJECTIONS)}`, '/é', '/a?b', 'no-slash']) } : {}),
      to: { kind: 'Service', name: `svc${i % 4}`, weight: pick(rand, [0, 1, 100, 256, 300, -5]) },
      ...(rand() < 0.3 ? { alternateBackends: [{ kind: 'Service', name: `svc${(i + 1) % 4}`, weight: pick(rand, [1, 255]) }] } : {}),
      ...(tls ? { tls } : {}),
      wildcardPolicy: rand() < 0.2 ? 'Subdomain' : 'None',
    },
  };
}

function sliceOf(rand: Rand, i: number, namespace: string, victimPorts: readonly number[]): KubeObject {
  const addresses = Array.from({ length: 1 + Math.floor(rand() * 3) }, () =>
    pick(rand, [...ODD, '127.0.0.1', '0.0.0.0', '10.99.0.1', '::ffff:127.0.0.1', 'fd00::1', '169.254.169.254']),
  );
  return {
    kind: 'EndpointSlice',
    metadata: { name: `svc${i % 4}-${i}`, namespace, labels: { 'kubernetes.io/service-name': `svc${i % 4}` } },
    addressType: addresses.some((a) => a.includes(':')) ? 'IPv6' : 'IPv4',
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: rand() < 0.9 } })),
    // Pointing at another tenant's pods reaches them only under the hostile tenant's own hosts.
    ports: [{ name: 'http', port: pick(rand, [...victimPorts, 0, 65535, 1]), protocol: pick(rand, ['TCP', 'UDP']) }],
  };
}

export function hostileApiObjects(rand: Rand, opts: { count: number; goodHosts: readonly string[]; victimPorts: readonly number[] }): HostileObjects {
  const initial: KubeObject[] = [];
  for (const namespace of NAMESPACES) {
    for (let s = 0; s < 4; s++) initial.push({ kind: 'Service', metadata: { name: `svc${s}`, namespace }, spec: { ports: [{ name: 'http', port: 80 }] } });
  }
  for (let i = 0; i < opts.count; i++) {
    const namespace = pick(rand, NAMESPACES);
    initial.push(rand() < 0.6 ? routeOf(rand, i, namespace, opts.goodHosts) : sliceOf(rand, i, namespace, opts.victimPorts));
  }
  const changeable = initial.filter((o) => o.kind !== 'Service');
  const rewritten = changeable
    .filter(() => rand() < 0.5)
    .map((o) => {
      const namespace = (o.metadata as { namespace: string }).namespace;
      const i = Number(/\d+/.exec((o.metadata as { name: string }).name)?.[0] ?? '0');
      const fresh = o.kind === 'Route' ? routeOf(rand, i, namespace, opts.goodHosts) : sliceOf(rand, i, namespace, opts.victimPorts);
      return { ...fresh, metadata: o.metadata };
    });
  const deleted = changeable
    .filter(() => rand() < 0.33)
    .map((o) => {
      const m = o.metadata as { namespace: string; name: string };
      return { kind: o.kind as 'Route' | 'EndpointSlice', namespace: m.namespace, name: m.name };
    });
  // One hostile route that is always admitted (its host is its own, its annotations are ignored with a notice), so that a
  // seed whose other routes all lose their hosts to one another still serves hostile routes; added last, so the seed's draws stay as they were.
  initial.push({
    kind: 'Route',
    metadata: { name: 'steady', namespace: 'tenant-a', annotations: { 'haproxy.router.openshift.io/timeout': `10s${INJECTIONS[0]}` } },
    spec: { host: 'steady.tenant-a.example.com', to: { kind: 'Service', name: 'svc0', weight: 1 } },
  });
  return { initial, rewritten, deleted };
}
