import { expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { RouteTLS } from '../domain/route.ts';
import { admissionSettings } from '../../test/support/admission.ts';
import { admitRoutes } from './admit-routes.ts';
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

test('material differing in any one field is checked on its own', () => {
  const checked: RouteTLS[] = [];
  const cache = cachedTlsValidator((t) => {
    checked.push(t);
    return { ok: true };
  });
  const base = routeTls('reencrypt', { certificate: 'C', key: 'K', caCertificate: 'CA', destinationCACertificate: 'D' });
  const variants = [base, { ...base, certificate: 'C2' }, { ...base, key: 'K2' }, { ...base, caCertificate: 'CA2' }, { ...base, destinationCACertificate: 'D2' }];
  for (const tls of variants) cache.validate(route({ name: 'a', tls }));
  for (const tls of variants) cache.validate(route({ name: 'b', tls: { ...tls } }));
  expect(checked).toEqual(variants);
  // Fields are not joined: moving text from one field to the next is other material.
  cache.validate(route({ name: 'c', tls: { ...base, certificate: 'CK', key: '' } }));
  cache.validate(route({ name: 'd', tls: { ...base, certificate: 'C', key: 'K' } }));
  expect(checked.length).toBe(6);
});

test('a route whose PEM is already canonical is served as it came, not as a copy', () => {
  const cache = cachedTlsValidator((t) => ({ ok: true, tls: { ...t, certificate: [...t.certificate].join('') } }));
  const plain = route({ name: 'a', tls: tls('A') });
  expect(cache.validate(plain)).toEqual({ ok: true });
  const admitted = admitRoutes([plain], admissionSettings(), cache.validate).admitted;
  expect(admitted[0]).toBe(plain);
});

test('routes with the same material and their own fields alike share one sanitised TLS; the rest keep their own fields', () => {
  const cache = cachedTlsValidator((t) => ({ ok: true, tls: { ...t, key: `clean ${t.key}` } }));
  const [a, b, c, d] = [tls('A'), tls('A'), tls('A', 'reencrypt'), { ...tls('A'), externalCertificate: '' }].map((t, i) => cache.validate(route({ name: `r${i}`, tls: t })));
  if (!a?.ok || !b?.ok || !c?.ok || !d?.ok) throw new Error('expected admitted');
  expect(a.tls).toBe(b.tls as RouteTLS);
  expect(c.tls).toEqual({ ...tls('A', 'reencrypt'), key: 'clean K' });
  expect(d.tls).toEqual({ ...tls('A'), key: 'clean K', externalCertificate: '' });
  expect(d.tls).not.toBe(a.tls as RouteTLS);
});
