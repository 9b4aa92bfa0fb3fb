import { describe, expect, test } from 'bun:test';
import { objectKey, type Route } from '../domain/route.ts';
import { admitRoutes, type TlsValidator } from './admit-routes.ts';
import type { Rejection } from './rejection.ts';
import type { AdmissionSettings } from './settings.ts';
import { admissionSettings, createRoute, expectAdmitted, expectRejected, tlsFields } from '../../test/support/admission.ts';

function admit(routes: Route[], settings: Partial<AdmissionSettings> = {}, validateTls?: TlsValidator, held?: ReadonlyMap<string, Rejection>) {
  return admitRoutes(routes, admissionSettings(settings), validateTls, held);
}

function deleteRoute(routes: Route[], key: string): Route[] {
  return routes.filter((r) => objectKey(r) !== key);
}

describe('admitRoutes: ownership and ordering', () => {
  test('admitted routes come oldest first whatever the input order', () => {
    const routes = [createRoute('c', { age: 3 }), createRoute('a', { age: 1 }), createRoute('b', { age: 2 })];
    expectAdmitted(admit(routes), 'default/a', 'default/b', 'default/c');
  });

  test('the oldest namespace owns a host; deleting its routes promotes the next-oldest namespace', () => {
    const host = 'shop.example.com';
    const routes = [
      createRoute('a/r1', { host, age: 1 }),
      createRoute('a/r2', { host, age: 2, path: '/cart' }),
      createRoute('b/r3', { host, age: 3, path: '/other' }),
      createRoute('c/r4', { host, age: 4 }),
    ];
    const before = admit(routes);
    expectAdmitted(before, 'a/r1', 'a/r2');
    expectRejected(before, 'b/r3', 'HostAlreadyClaimed', `a route in another namespace holds ${host} and is older than r3`);
    expectRejected(before, 'c/r4', 'HostAlreadyClaimed');

    const ownerGone = deleteRoute(deleteRoute(routes, 'a/r1'), 'a/r2');
    const after = admit(ownerGone);
    expectAdmitted(after, 'b/r3');
    expectRejected(after, 'c/r4', 'HostAlreadyClaimed', `a route in another namespace holds ${host} and is older than r4`);
    expect(after.rejected.size).toBe(1);
  });

  test('deleting the holder of a host+path promotes the next-oldest route of that namespace', () => {
    const routes = [createRoute('a/old', { host: 'x.example.com', age: 1 }), createRoute('a/young', { host: 'x.example.com', age: 2 })];
    expectRejected(admit(routes), 'a/young', 'HostAlreadyClaimed', 'route old already exposes x.example.com and is older');
    expectAdmitted(admit(deleteRoute(routes, 'a/old')), 'a/young');
  });

  test('equal timestamps fall back to uid', () => {
    const a = createRoute('a', { host: 'x.example.com', uid: '2' });
    const b = createRoute('b', { host: 'x.example.com', uid: '1' });
    expectAdmitted(admit([a, b]), 'default/b');
  });

  test('a route without a timestamp is younger than any route with one', () => {
    const a = createRoute('a', { host: 'x.example.com', creationTimestamp: '' });
    const b = createRoute('b', { host: 'x.example.com', age: 99 });
    expectAdmitted(admit([a, b]), 'default/b');
  });

  test('same namespace shares a host across paths', () => {
    const host = 'x.example.com';
    const result = admit([createRoute('a', { host, age: 1 }), createRoute('b', { host, path: '/b', age: 2 }), createRoute('c', { host, path: '/b', age: 3 })]);
    expectAdmitted(result, 'default/a', 'default/b');
    expectRejected(result, 'default/c', 'HostAlreadyClaimed', `route b already exposes ${host} and is older`);
  });

  test('a passthrough route and TLS routes on its host exclude each other, older wins', () => {
    const host = 'x.example.com';
    const edgeFirst = admit([createRoute('e', { host, tls: 'edge', path: '/e', age: 1 }), createRoute('p', { host, tls: 'passthrough', age: 2 })]);
    expectAdmitted(edgeFirst, 'default/e');
    expectRejected(edgeFirst, 'default/p', 'HostAlreadyClaimed', `route e already exposes ${host} and is older`);
    const passthroughFirst = admit([createRoute('e', { host, tls: 'edge', path: '/e', age: 2 }), createRoute('p', { host, tls: 'passthrough', age: 1 })]);
    expectAdmitted(passthroughFirst, 'default/p');
    const withHttp = admit([createRoute('p', { host, tls: 'passthrough', age: 1 }), createRoute('h', { host, path: '/h', age: 2 })]);
    expectAdmitted(withHttp, 'default/p', 'default/h');
  });

  test('disableNamespaceOwnershipCheck: any namespace adds paths, each host+path goes to its oldest route', () => {
    const host = 'x.example.com';
    const routes = [createRoute('a/r1', { host, age: 1 }), createRoute('b/r2', { host, path: '/b', age: 2 }), createRoute('c/r3', { host, path: '/b', age: 3 })];
    const result = admit(routes, { disableNamespaceOwnershipCheck: true });
    expectAdmitted(result, 'a/r1', 'b/r2');
    expectRejected(result, 'c/r3', 'HostAlreadyClaimed', `a route in another namespace holds ${host} and is older than r3`);
    expectAdmitted(admit(deleteRoute(routes, 'b/r2'), { disableNamespaceOwnershipCheck: true }), 'a/r1', 'c/r3');
  });
});

describe('admitRoutes: wildcard routes', () => {
  const wildcard = (key: string, age: number) => createRoute(key, { host: 'www.acme.test', wildcardPolicy: 'Subdomain', age });
  const on = { allowWildcardRoutes: true };

  test('an older wildcard blocks plain hosts of other namespaces; deleting it frees them', () => {
    const routes = [wildcard('a/w', 1), createRoute('a/mine', { host: 'api.acme.test', age: 2 }), createRoute('b/theirs', { host: 'shop.acme.test', age: 3 })];
    const result = admit(routes, on);
    expectAdmitted(result, 'a/w', 'a/mine');
    expectRejected(result, 'b/theirs', 'HostAlreadyClaimed', 'a route in another namespace holds host shop.acme.test');
    expectAdmitted(admit(deleteRoute(routes, 'a/w'), on), 'a/mine', 'b/theirs');
  });

  test('an older plain host blocks a wildcard of another namespace', () => {
    const result = admit([createRoute('b/theirs', { host: 'shop.acme.test', age: 1 }), wildcard('a/w', 2)], on);
    expectAdmitted(result, 'b/theirs');
    expectRejected(result, 'a/w', 'HostAlreadyClaimed', 'a route in another namespace holds host www.acme.test');
  });

  test('wildcards are refused when not allowed', () => {
    expectRejected(admit([wildcard('a/w', 1)]), 'a/w', 'RouteNotAdmitted', 'wildcard routes are not allowed');
  });

  test('with the ownership check off, wildcards and plain hosts of any namespace coexist', () => {
    const routes = [wildcard('a/w', 1), createRoute('b/theirs', { host: 'shop.acme.test', age: 2 })];
    expectAdmitted(admit(routes, { ...on, disableNamespaceOwnershipCheck: true }), 'a/w', 'b/theirs');
  });
});

describe('admitRoutes: settings and chain order', () => {
  test('denied domains win over allowed ones', () => {
    const routes = [createRoute('ok', { host: 'a.apps.example.com' }), createRoute('denied', { host: 'a.internal.apps.example.com' }), createRoute('outside', { host: 'a.example.org' })];
    const result = admit(routes, { allowedDomains: ['apps.example.com'], deniedDomains: ['internal.apps.example.com'] });
    expectAdmitted(result, 'default/ok');
    expectRejected(result, 'default/denied', 'RouteNotAdmitted', 'host in list of denied domains');
    expectRejected(result, 'default/outside', 'RouteNotAdmitted', 'host not in the allowed list of domains');
  });

  test('admitted routes carry the resolved host, and ownership uses it', () => {
    const settings = { routerDomain: 'apps.example.com', hostnameTemplate: '${name}-${namespace}.apps.example.com' };
    const routes = [
      createRoute('a/sub', { host: '', subdomain: 'shop', age: 1 }),
      createRoute('b/shop', { host: 'shop.apps.example.com', age: 2 }),
      createRoute('c/web', { host: '', age: 3 }),
    ];
    const result = admit(routes, settings);
    expect(result.admitted.map((r) => r.host)).toEqual(['shop.apps.example.com', 'web-c.apps.example.com']);
    expectRejected(result, 'b/shop', 'HostAlreadyClaimed');
  });

  test('a route without any host is rejected with NoHostValue', () => {
    expectRejected(admit([createRoute('web', { host: '' })]), 'default/web', 'NoHostValue', 'no host value was defined for the route');
  });

  test('stages report in plugin-chain order', () => {
    const result = admit([
      createRoute('denied-and-bad-path', { host: 'a.bad.example.com', path: 'x' }),
      createRoute('invalid-and-bad-path', { host: 'A.example.com', path: 'x' }),
      createRoute('bad-path', { path: 'x' }),
    ], { deniedDomains: ['bad.example.com'] });
    expectRejected(result, 'default/denied-and-bad-path', 'RouteNotAdmitted');
    expectRejected(result, 'default/invalid-and-bad-path', 'InvalidHost');
    expectRejected(result, 'default/bad-path', 'ExtendedValidationFailed');
  });

  test('a rejected route does not claim its host', () => {
    const bad = createRoute('bad', { host: 'x.example.com', path: '/a b', age: 1 });
    const good = createRoute('good', { host: 'x.example.com', path: '/ab', age: 2 });
    expectAdmitted(admit([bad, good]), 'default/good');
  });
});

describe('admitRoutes: certificate validator', () => {
  const host = 'x.example.com';
  const sanitised = tlsFields({ termination: 'edge', certificate: 'CLEAN CERT', key: 'CLEAN KEY' });

  test('runs only for TLS routes that passed every other stage, and its sanitised TLS is served', () => {
    const seen: string[] = [];
    const validateTls: TlsValidator = (route) => {
      seen.push(objectKey(route));
      return { ok: true, tls: sanitised };
    };
    const routes = [
      createRoute('edge', { host, tls: tlsFields({ termination: 'edge', certificate: 'RAW' }), age: 1 }),
      createRoute('blocked', { host, tls: 'edge', age: 2 }),
      createRoute('structural', { host: 'y.example.com', tls: tlsFields({ termination: 'edge', destinationCACertificate: 'x' }), age: 3 }),
      createRoute('plain', { host: 'z.example.com', age: 4 }),
    ];
    const result = admit(routes, {}, validateTls);
    expect(seen).toEqual(['default/edge']);
    expectAdmitted(result, 'default/edge', 'default/plain');
    expect(result.admitted[0]?.tls).toEqual(sanitised);
    expectRejected(result, 'default/structural', 'ExtendedValidationFailed');
  });

  test('a check that throws rejects that route alone, saying so; the routes after it are admitted', () => {
    const validateTls: TlsValidator = (route) => {
      if (route.name === 'odd') throw new Error('error:0b00007d:X.509 certificate routines:OPENSSL_internal:PUBLIC_KEY_DECODE_ERROR');
      return { ok: true };
    };
    const result = admit([createRoute('odd', { host, tls: 'edge', age: 1 }), createRoute('next', { host: 'y.example.com', tls: 'edge', age: 2 }), createRoute('plain', { host: 'z.example.com', age: 3 })], {}, validateTls);
    expectAdmitted(result, 'default/next', 'default/plain');
    expectRejected(result, 'default/odd', 'RouteNotAdmitted', 'the router could not check this route: error:0b00007d:X.509 certificate routines:OPENSSL_internal:PUBLIC_KEY_DECODE_ERROR');
  });

  test('a failed validation rejects on one line and keeps the host claimed, as upstream', () => {
    const validateTls: TlsValidator = (route) => (route.name === 'broken' ? { ok: false, message: 'spec.tls.key: bad\nkey' } : { ok: true });
    const result = admit([createRoute('broken', { host, tls: 'edge', age: 1 }), createRoute('other/next', { host, tls: 'edge', age: 2 })], {}, validateTls);
    expectRejected(result, 'default/broken', 'ExtendedValidationFailed', 'spec.tls.key: bad key');
    expectRejected(result, 'other/next', 'HostAlreadyClaimed');
    expect(result.admitted).toEqual([]);
  });
});

describe('admitRoutes: claims of rejected routes', () => {
  const host = 'x.example.com';
  const owner = (more: Parameters<typeof createRoute>[1] = {}) => createRoute('a/owner', { host, age: 1, ...more });
  const intruder = createRoute('b/intruder', { host, age: 2 });

  test.each([
    ['a path that can never match', { path: '/a?b' }],
    ['a TLS shape haproxy cannot serve', { tls: { termination: 'edge', destinationCACertificate: 'x' } }],
  ] as const)('an owner rejected for %s keeps its host from another namespace', (_name, more) => {
    const result = admit([owner(more), intruder]);
    expect(result.rejected.get('a/owner')?.reason).toBe('ExtendedValidationFailed');
    expectRejected(result, 'b/intruder', 'HostAlreadyClaimed');
  });

  test('a route held back by the caller keeps its claim and its rejection; its host stays unserved', () => {
    const quarantined = { reason: 'ExtendedValidationFailed' as const, message: 'haproxy refused the route\'s certificate or CA: bad' };
    const result = admit([owner({ tls: 'edge' }), intruder], {}, undefined, new Map([['a/owner', quarantined]]));
    expect(result.rejected.get('a/owner')).toEqual(quarantined);
    expectRejected(result, 'b/intruder', 'HostAlreadyClaimed');
  });

  test('a held route that no longer passes the host stages is rejected for that instead', () => {
    const older = createRoute('c/older', { host, age: 0 });
    const result = admit([owner(), older], {}, undefined, new Map([['a/owner', { reason: 'ExtendedValidationFailed', message: 'held' }]]));
    expectRejected(result, 'a/owner', 'HostAlreadyClaimed');
    expectAdmitted(result, 'c/older');
  });

  test('a route rejected before the host stages (its name) claims nothing', () => {
    const result = admit([createRoute('a/' + 'x'.repeat(300), { host, age: 1 }), intruder]);
    expectAdmitted(result, 'b/intruder');
  });
});

describe('admitRoutes at scale', () => {
  test('10,000 routes over shared hosts resolve like the small cases', () => {
    const routes: Route[] = [];
    for (let i = 0; i < 2_500; i++) {
      // Each host is wanted by three namespaces; ns-0 is oldest and keeps two paths.
      const host = `h${i}.apps.example.com`;
      routes.push(
        createRoute(`ns-0/root${i}`, { host, age: 0 }),
        createRoute(`ns-0/one${i}`, { host, path: '/one', age: 1 }),
        createRoute(`ns-1/dup${i}`, { host, path: '/one', age: 2 }),
        createRoute(`ns-2/other${i}`, { host, path: '/two', age: 3 }),
      );
    }
    const result = admit(routes.reverse());
    expect(result.admitted).toHaveLength(5_000);
    expect(result.rejected.size).toBe(5_000);
    expect(result.admitted.every((r) => r.namespace === 'ns-0')).toBe(true);
    expect([...result.rejected.values()].every((r) => r.reason === 'HostAlreadyClaimed')).toBe(true);
  });
});
