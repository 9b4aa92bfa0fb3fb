import { expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { RouteTLS } from '../domain/route.ts';
import { cachedTlsValidator } from './tls-cache.ts';

const tls = (certificate: string, termination = 'edge'): RouteTLS => routeTls(termination, { certificate, key: 'K' });

test('checks each distinct certificate once while it stays in use, and forgets unused ones', () => {
  const checked: string[] = [];
  const cache = cachedTlsValidator((t) => {
    checked.push(t.certificate);
    return { ok: true, tls: { ...t, certificate: `clean ${t.certificate}` } };
  });
  const a = route({ name: 'a', tls: tls('A') });
  const b = route({ name: 'b', tls: tls('A', 'reencrypt') });
  expect(cache.validate(a)).toEqual({ ok: true, tls: { ...tls('clean A') } });
  // Same material, different route: cached verdict, this route's own termination.
  expect(cache.validate(b)).toEqual({ ok: true, tls: tls('clean A', 'reencrypt') });
  cache.endPass();
  cache.validate(a);
  cache.endPass();
  cache.endPass();
  cache.validate(a);
  expect(checked).toEqual(['A', 'A']);
});

test('failures are cached too and routes without TLS are not checked', () => {
  let calls = 0;
  const cache = cachedTlsValidator(() => {
    calls++;
    return { ok: false, message: 'bad' };
  });
  const bad = route({ name: 'a', tls: tls('X') });
  expect(cache.validate(bad)).toEqual({ ok: false, message: 'bad' });
  expect(cache.validate(bad)).toEqual({ ok: false, message: 'bad' });
  expect(cache.validate(route({ name: 'plain' }))).toEqual({ ok: true });
  expect(calls).toBe(1);
});
