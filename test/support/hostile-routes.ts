import type { Route } from '../../src/domain/route.ts';
import { route } from './fixtures.ts';

/** mulberry32: a tiny seeded PRNG so a failing case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [' ', '\t', '\n', '\r', '#', '"', "'", '\\', '%', '%0a', '{', '}', '[', ']', '(', ')', '*', '+', '?', '^', '$', '|', '.', ';', ',', '&', '=', ':', '@', '!', '~', '<', '>', '`', 'é', '\u2028', '\u00a0', '\0', '${name}', '%[src]', 'bind :1', '\n  server x 1.2.3.4:1', ' map(', '-m found'];
const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789-/';

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

function text(rand: () => number, length: number, hostile: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += rand() < hostile ? pick(rand, HOSTILE) : pick(rand, SAFE.split(''));
  return s;
}

/** A hostile host: usually valid-looking, with injected characters, case, dots or length. */
function host(rand: () => number, i: number): string {
  const valid = `h${i % 40}.example.com`;
  switch (Math.floor(rand() * 6)) {
    case 0:
      return valid;
    case 1:
      return `${text(rand, 6, 0.4)}.example.com`;
    case 2:
      return valid.toUpperCase();
    case 3:
      return `${'x'.repeat(1 + Math.floor(rand() * 80))}.example.com`;
    case 4:
      return pick(rand, ['', '.', '*.example.com', 'example..com', '-a.example.com', 'a.example.com.', valid + '\nbind :1']);
    default:
      return valid;
  }
}

function path(rand: () => number): string {
  switch (Math.floor(rand() * 4)) {
    case 0:
      return '';
    case 1:
      return `/${text(rand, 1 + Math.floor(rand() * 12), 0.35)}`;
    case 2:
      return text(rand, 1 + Math.floor(rand() * 8), 0.5);
    default:
      return `/${text(rand, 1 + Math.floor(rand() * 6), 0)}`;
  }
}

function pem(rand: () => number): string {
  return pick(rand, [
    '',
    '-----BEGIN CERTIFICATE-----\nbind :1\n-----END CERTIFICATE-----\n',
    'crt /etc/shadow\n',
    `-----BEGIN CERTIFICATE-----\n${text(rand, 40, 0.3)}\n-----END CERTIFICATE-----`,
  ]);
}

/** `count` routes with hostile fields; names are unique so each route gets exactly one verdict. */
export function hostileRoutes(count: number, seed: number): Route[] {
  const rand = prng(seed);
  const routes: Route[] = [];
  for (let i = 0; i < count; i++) {
    const badName = rand() < 0.1;
    const r = route({
      name: badName ? `r${i}${pick(rand, ['_x', ' x', 'X', '.', '\n'])}` : `r${i}`,
      namespace: rand() < 0.05 ? pick(rand, ['Bad', 'a:b', 'ns/x', '']) : pick(rand, ['ns1', 'ns2', 'ns3']),
      uid: `u${i}`,
      host: host(rand, i),
      path: path(rand),
      to: { kind: rand() < 0.03 ? 'Pod' : 'Service', name: rand() < 0.05 ? text(rand, 5, 0.5) : 'hostile', weight: Math.floor(rand() * 300) - 20 },
      targetPort: rand() < 0.1 ? text(rand, 4, 0.5) : undefined,
      wildcardPolicy: pick(rand, ['None', 'None', 'None', 'Subdomain', 'Bogus']),
      tls:
        rand() < 0.3
          ? {
              termination: pick(rand, ['edge', 'reencrypt', 'passthrough', 'bogus']),
              insecureEdgeTerminationPolicy: pick(rand, ['', 'None', 'Allow', 'Redirect', 'Sometimes']),
              certificate: pem(rand),
              key: pem(rand),
              caCertificate: pem(rand),
              destinationCACertificate: pem(rand),
            }
          : undefined,
    });
    routes.push(r);
  }
  return routes;
}
