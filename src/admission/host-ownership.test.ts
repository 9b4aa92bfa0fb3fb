import { describe, expect, test } from 'bun:test';
import type { Route } from '../domain/route.ts';
import { HostOwnership, pathKey, validateHost } from './host-ownership.ts';
import type { RejectionReason } from './rejection.ts';
import { createRoute, expectVerdict, type RouteSpec } from '../../test/support/admission.ts';

describe('validateHost', () => {
  const cases: [string, string, RejectionReason | undefined][] = [
    ['plain host', 'a.example.com', undefined],
    ['single label', 'localhost', undefined],
    ['empty host', '', 'NoHostValue'],
    ['upper case', 'A.example.com', 'InvalidHost'],
    ['space', 'a b.example.com', 'InvalidHost'],
    ['quote', 'a".example.com', 'InvalidHost'],
    ['newline', 'a.example.com\nbind :1', 'InvalidHost'],
    ['#', 'a#.example.com', 'InvalidHost'],
    ['wildcard star', '*.example.com', 'InvalidHost'],
    ['label too long', `${'x'.repeat(64)}.example.com`, 'InvalidHost'],
    ['leading dash', '-a.example.com', 'InvalidHost'],
  ];
  for (const [name, host, reason] of cases) test(name, () => expectVerdict(validateHost(host), reason));

  test('the message quotes the host on one line', () => {
    const verdict = validateHost('evil\n  bind :1');
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).toStartWith('host name validation errors: spec.host: Invalid value: "evil\\n  bind :1": ');
  });
});

describe('pathKey', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['/', ''],
    ['//', ''],
    ['/a', '/a'],
    ['/a/', '/a/'],
  ];
  for (const [path, key] of cases) test(JSON.stringify(path), () => expect(pathKey(path)).toBe(key));
  test('an exact path has a slot of its own', () => expect([pathKey('/a', true), pathKey('', true)]).toEqual(['=/a', '=/']));
});

const HOST = 'x.example.com';
function on(key: string, age: number, spec: RouteSpec = {}): Route {
  return createRoute(key, { host: HOST, age, ...spec });
}

describe('HostOwnership', () => {
  const otherNs = (name: string) => `a route in another namespace holds ${HOST} and is older than ${name}`;
  const cases: [string, boolean, Route[], Route, RejectionReason | undefined, string?][] = [
    ['free host', false, [], on('a/r', 1), undefined],
    ['another host', false, [createRoute('a/r1', { host: 'y.example.com' })], on('b/r2', 2), undefined],
    ['same namespace, same path', false, [on('a/r1', 1)], on('a/r2', 2), 'HostAlreadyClaimed', `route r1 already exposes ${HOST} and is older`],
    ['same namespace, different path', false, [on('a/r1', 1)], on('a/r2', 2, { path: '/b' }), undefined],
    ['"/" is no path', false, [on('a/r1', 1, { path: '/' })], on('a/r2', 2), 'HostAlreadyClaimed'],
    ['the blocker is the route on that path', false, [on('a/r1', 1, { path: '/a' }), on('a/r2', 2, { path: '/b' })], on('a/r3', 3, { path: '/b' }), 'HostAlreadyClaimed', `route r2 already exposes ${HOST} and is older`],
    ['other namespace, different path', false, [on('a/r1', 1)], on('b/r2', 2, { path: '/b' }), 'HostAlreadyClaimed', otherNs('r2')],
    ['other namespace, same path', false, [on('a/r1', 1)], on('b/r2', 2), 'HostAlreadyClaimed', otherNs('r2')],
    ['ownership off: other namespace, different path', true, [on('a/r1', 1)], on('b/r2', 2, { path: '/b' }), undefined],
    ['ownership off: other namespace, same path', true, [on('a/r1', 1)], on('b/r2', 2), 'HostAlreadyClaimed', otherNs('r2')],
    ['ownership off: same namespace, same path', true, [on('a/r1', 1), on('b/r2', 2, { path: '/b' })], on('b/r3', 3, { path: '/b' }), 'HostAlreadyClaimed', `route r2 already exposes ${HOST} and is older`],
    ['passthrough then edge with a path', false, [on('a/p', 1, { tls: 'passthrough' })], on('a/e', 2, { tls: 'edge', path: '/e' }), 'HostAlreadyClaimed', `route p already exposes ${HOST} and is older`],
    ['edge with a path then passthrough', false, [on('a/e', 1, { tls: 'edge', path: '/e' })], on('a/p', 2, { tls: 'passthrough' }), 'HostAlreadyClaimed', `route e already exposes ${HOST} and is older`],
    ['reencrypt with a path then passthrough', false, [on('a/r', 1, { tls: 'reencrypt', path: '/r' })], on('a/p', 2, { tls: 'passthrough' }), 'HostAlreadyClaimed'],
    ['passthrough and plain HTTP on a path coexist', false, [on('a/p', 1, { tls: 'passthrough' })], on('a/h', 2, { path: '/h' }), undefined],
    ['edge routes on different paths coexist', false, [on('a/e1', 1, { tls: 'edge', path: '/1' })], on('a/e2', 2, { tls: 'reencrypt', path: '/2' }), undefined],
    ['ownership off: passthrough of another namespace', true, [on('a/e', 1, { tls: 'edge', path: '/e' })], on('b/p', 2, { tls: 'passthrough' }), 'HostAlreadyClaimed', otherNs('p')],
    ['an exact path and a prefix of the same path are different slots', false, [on('a/r1', 1, { path: '/a' })], on('a/r2', 2, { path: '/a', exactPath: true }), undefined],
    ['two exact paths of the same path collide', false, [on('a/r1', 1, { path: '/a', exactPath: true })], on('a/r2', 2, { path: '/a', exactPath: true }), 'HostAlreadyClaimed'],
    ['one host scope shares a host across namespaces, on different paths', false, [on('a/r1', 1, { hostScope: 'g.io' })], on('b/r2', 2, { path: '/b', hostScope: 'g.io' }), undefined],
    ['one host scope: the same path from another namespace is claimed', false, [on('a/r1', 1, { hostScope: 'g.io' })], on('b/r2', 2, { hostScope: 'g.io' }), 'HostAlreadyClaimed', otherNs('r2')],
    ['a host scope and a namespace are different owners', false, [on('a/r1', 1)], on('a/r2', 2, { path: '/b', hostScope: 'g.io' }), 'HostAlreadyClaimed', otherNs('r2')],
    ['wildcard and plain route on one host and path', false, [on('a/w', 1, { wildcardPolicy: 'Subdomain' })], on('a/e', 2), 'HostAlreadyClaimed', `route w already exposes ${HOST} and is older`],
  ];
  for (const [name, ownershipOff, holders, newcomer, reason, message] of cases) {
    test(name, () => {
      const index = new HostOwnership({ disableNamespaceOwnershipCheck: ownershipOff });
      for (const holder of holders) index.claim(holder);
      expectVerdict(index.check(newcomer), reason, message);
    });
  }
});
