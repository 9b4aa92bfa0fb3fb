import { describe, expect, test } from 'bun:test';
import { route } from '../../test/support/fixtures.ts';
import { admitRoutes } from './admit-routes.ts';
import { validateRoute } from './validate-route.ts';

describe('validateRoute', () => {
  const cases: [string, Parameters<typeof route>[0], string | undefined][] = [
    ['plain route', { name: 'a' }, undefined],
    ['empty host', { name: 'a', host: '' }, 'NoHostValue'],
    ['upper-case host', { name: 'a', host: 'A.example.com' }, 'InvalidHost'],
    ['host with space', { name: 'a', host: 'a b.example.com' }, 'InvalidHost'],
    ['host with quote', { name: 'a', host: 'a".example.com' }, 'InvalidHost'],
    ['host with newline', { name: 'a', host: 'a.example.com\nbind :1' }, 'InvalidHost'],
    ['host with #', { name: 'a', host: 'a#.example.com' }, 'InvalidHost'],
    ['host label too long', { name: 'a', host: `${'x'.repeat(64)}.example.com` }, 'InvalidHost'],
    ['path without slash', { name: 'a', path: 'foo' }, 'ExtendedValidationFailed'],
    ['path with space', { name: 'a', path: '/a b' }, 'ExtendedValidationFailed'],
    ['path with newline', { name: 'a', path: '/a\nb' }, 'ExtendedValidationFailed'],
    ['path with #', { name: 'a', path: '/a#b' }, 'ExtendedValidationFailed'],
    ['path with percent is served as written', { name: 'a', path: '/a%20b' }, undefined],
    ['bad namespace', { name: 'a', namespace: 'Bad_NS' }, 'ExtendedValidationFailed'],
    ['bad service name', { name: 'a', to: { kind: 'Service', name: 'x y', weight: 1 } }, 'ExtendedValidationFailed'],
    ['non-service target', { name: 'a', to: { kind: 'Pod', name: 'x', weight: 1 } }, 'ExtendedValidationFailed'],
    ['wildcard policy', { name: 'a', wildcardPolicy: 'Subdomain' }, 'RouteNotAdmitted'],
    ['unknown wildcard policy', { name: 'a', wildcardPolicy: 'All' }, 'RouteNotAdmitted'],
  ];
  for (const [name, overrides, reason] of cases) {
    test(name, () => {
      const verdict = validateRoute(route(overrides));
      if (reason === undefined) expect(verdict).toEqual({ ok: true });
      else expect(verdict).toMatchObject({ ok: false, reason });
    });
  }

  test('messages quote the offending value on one line', () => {
    const verdict = validateRoute(route({ name: 'a', host: 'evil\n  bind :1' }));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.message).not.toContain('\n');
  });
});

describe('admitRoutes', () => {
  test('the oldest route keeps a host+path; the newer one is rejected', () => {
    const old = route({ name: 'old', host: 'x.example.com', creationTimestamp: '2026-01-01T00:00:00Z' });
    const young = route({ name: 'young', host: 'x.example.com', creationTimestamp: '2026-02-01T00:00:00Z' });
    const { admitted, rejected } = admitRoutes([young, old]);
    expect(admitted.map((r) => r.name)).toEqual(['old']);
    expect(rejected.get('default/young')).toEqual({
      reason: 'HostAlreadyClaimed',
      message: 'route old already exposes x.example.com and is older',
    });
  });

  test('same host with different paths are both admitted, oldest first', () => {
    const a = route({ name: 'a', host: 'x.example.com', creationTimestamp: '2026-01-02T00:00:00Z' });
    const b = route({ name: 'b', host: 'x.example.com', path: '/b', creationTimestamp: '2026-01-01T00:00:00Z' });
    expect(admitRoutes([a, b]).admitted.map((r) => r.name)).toEqual(['b', 'a']);
  });

  test('"/" and no path claim the same slot', () => {
    const a = route({ name: 'a', host: 'x.example.com', path: '/' });
    const b = route({ name: 'b', host: 'x.example.com', uid: 'z' });
    expect(admitRoutes([a, b]).rejected.has('default/b')).toBe(true);
  });

  test('equal timestamps fall back to uid', () => {
    const a = route({ name: 'a', host: 'x.example.com', uid: '2' });
    const b = route({ name: 'b', host: 'x.example.com', uid: '1' });
    expect(admitRoutes([a, b]).admitted.map((r) => r.name)).toEqual(['b']);
  });

  test('a rejected route does not claim its host', () => {
    const bad = route({ name: 'bad', host: 'x.example.com', path: '/a b', creationTimestamp: '2025-01-01T00:00:00Z' });
    const good = route({ name: 'good', host: 'x.example.com', path: '/a b'.replace(' ', '') });
    const { admitted, rejected } = admitRoutes([bad, good]);
    expect(admitted.map((r) => r.name)).toEqual(['good']);
    expect(rejected.get('default/bad')?.reason).toBe('ExtendedValidationFailed');
  });
});
