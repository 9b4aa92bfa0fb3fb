import { describe, expect, test } from 'bun:test';
import type { Route } from '../domain/route.ts';
import type { RejectionReason } from './rejection.ts';
import type { AdmissionSettings } from './settings.ts';
import { admissionSettings, createRoute, expectVerdict } from '../../test/support/admission.ts';
import { domainForHost, WildcardClaims } from './wildcard-claims.ts';

describe('domainForHost', () => {
  const cases: [string, string][] = [
    ['www.acme.test', 'acme.test'],
    ['a.b.acme.test', 'b.acme.test'],
    ['localhost', ''],
  ];
  for (const [host, domain] of cases) test(host, () => expect(domainForHost(host)).toBe(domain));
});

/** `*.acme.test` held by `www.acme.test` with policy Subdomain. */
function wildcard(key: string, age: number, path = ''): Route {
  return createRoute(key, { host: 'www.acme.test', wildcardPolicy: 'Subdomain', age, path });
}

function exact(key: string, host: string, age: number, path = ''): Route {
  return createRoute(key, { host, age, path });
}

describe('WildcardClaims', () => {
  const on = { allowWildcardRoutes: true };
  const shared = { allowWildcardRoutes: true, disableNamespaceOwnershipCheck: true };
  const otherNs = 'a route in another namespace holds host';
  const cases: [string, Partial<AdmissionSettings>, Route[], Route, RejectionReason | undefined, string?][] = [
    ['nothing claimed', on, [], wildcard('a/w', 1), undefined],
    ['wildcard blocks a plain host of another namespace', on, [wildcard('a/w', 1)], exact('b/e', 'shop.acme.test', 2), 'HostAlreadyClaimed', `${otherNs} shop.acme.test`],
    ['plain host blocks a wildcard of another namespace', on, [exact('a/e', 'shop.acme.test', 1)], wildcard('b/w', 2), 'HostAlreadyClaimed', `${otherNs} www.acme.test`],
    ['wildcard and plain host share a namespace', on, [wildcard('a/w', 1)], exact('a/e', 'shop.acme.test', 2), undefined],
    ['plain host then wildcard in one namespace', on, [exact('a/e', 'shop.acme.test', 1)], wildcard('a/w', 2), undefined],
    ['wildcard covers one label only', on, [wildcard('a/w', 1)], exact('b/e', 'x.shop.acme.test', 2), undefined],
    ['wildcard does not cover its parent', on, [wildcard('a/w', 1)], exact('b/e', 'acme.test', 2), undefined],
    ['plain hosts are the unique-host stage’s business', on, [exact('a/e', 'shop.acme.test', 1)], exact('b/e', 'shop.acme.test', 2), undefined],
    ['two wildcards across namespaces, any path', on, [wildcard('a/w', 1, '/a')], wildcard('b/w', 2, '/b'), 'HostAlreadyClaimed', `${otherNs} www.acme.test`],
    [
      'two wildcards of one namespace on one path',
      on,
      [wildcard('a/w1', 1)],
      createRoute('a/w2', { host: 'api.acme.test', wildcardPolicy: 'Subdomain', age: 2 }),
      'HostAlreadyClaimed',
      'wildcard route a/w1 has host *.acme.test, blocking api.acme.test',
    ],
    ['two wildcards of one namespace on different paths', on, [wildcard('a/w1', 1, '/a')], wildcard('a/w2', 2, '/b'), undefined],
    ['"/" and no path are one path', on, [wildcard('a/w1', 1, '/')], wildcard('a/w2', 2), 'HostAlreadyClaimed'],
    ['the older of two blockers decides the message', on, [wildcard('b/w', 1), wildcard('a/w1', 2)], wildcard('a/w2', 3), 'HostAlreadyClaimed', `${otherNs} www.acme.test`],
    ['the older same-namespace blocker is named', on, [wildcard('a/w1', 1), wildcard('b/w', 2)], wildcard('a/w2', 3), 'HostAlreadyClaimed', 'wildcard route a/w1 has host *.acme.test, blocking www.acme.test'],
    ['another namespace found behind the first claimant', on, [exact('a/e1', 'one.acme.test', 1), exact('b/e2', 'two.acme.test', 2)], wildcard('a/w', 3), 'HostAlreadyClaimed', `${otherNs} www.acme.test`],
    ['ownership check off: wildcard and plain hosts coexist', shared, [wildcard('a/w', 1)], exact('b/e', 'shop.acme.test', 2), undefined],
    ['ownership check off: plain host then wildcard', shared, [exact('a/e', 'shop.acme.test', 1)], wildcard('b/w', 2), undefined],
    ['ownership check off: wildcards on one path collide', shared, [wildcard('a/w', 1)], wildcard('b/w', 2), 'HostAlreadyClaimed', `${otherNs} www.acme.test`],
    ['ownership check off: wildcards on different paths coexist', shared, [wildcard('a/w', 1, '/a')], wildcard('b/w', 2, '/b'), undefined],
    ['wildcard routes off: no claims at all', {}, [wildcard('a/w', 1)], exact('b/e', 'shop.acme.test', 2), undefined],
    ['a route without host claims nothing', on, [createRoute('a/w', { host: '', wildcardPolicy: 'Subdomain', age: 1 })], exact('b/e', 'acme.test', 2), undefined],
  ];
  for (const [name, settings, holders, newcomer, reason, message] of cases) {
    test(name, () => {
      const claims = new WildcardClaims(admissionSettings(settings));
      for (const holder of holders) claims.claim(holder);
      expectVerdict(claims.check(newcomer), reason, message);
    });
  }
});
