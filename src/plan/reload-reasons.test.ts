import { describe, expect, test } from 'bun:test';
import type { SniFrontend } from '../config/model.ts';
import { describeCounts, describeReasons, reasonCodes, sniFrontendReasons, type ReloadReason } from './reload-reasons.ts';

describe('describeReasons', () => {
  test('the route a backend serves is named rather than the backend', () => {
    expect(describeReasons([{ code: 'backend-changed', backend: 'be_http:_spare:3', route: 'shop/cart' }, { code: 'backend-changed', backend: 'be_tcp:_spare:1' }])).toBe(
      'backend-changed: shop/cart, be_tcp:_spare:1',
    );
  });

  test('one line: each reason once, in order, naming a few backends and counting the rest', () => {
    const reasons: ReloadReason[] = [
      { code: 'settings-changed', backend: undefined },
      ...['a', 'b', 'a', 'c', 'd', 'e'].map((n): ReloadReason => ({ code: 'backend-added', backend: `be_http:ns:${n}` })),
      { code: 'worker-out-of-step', backend: undefined },
      { code: 'settings-changed', backend: undefined },
      { code: 'backend-changed', backend: 'be_tcp:ns:p' },
    ];
    expect(describeReasons(reasons)).toBe(
      'settings-changed; backend-added: be_http:ns:a, be_http:ns:b, be_http:ns:c (+2 more); worker-out-of-step; backend-changed: be_tcp:ns:p',
    );
  });
});

describe('reload counts', () => {
  test('a reload counts once per reason, whatever the number of backends it names', () => {
    expect(
      reasonCodes([
        { code: 'backend-added', backend: 'be_http:ns:a' },
        { code: 'backend-added', backend: 'be_http:ns:b' },
        { code: 'settings-changed', backend: undefined },
      ]),
    ).toEqual(['backend-added', 'settings-changed']);
  });

  test('are described most frequent first', () => {
    expect(describeCounts(new Map([['settings-changed', 1], ['commit-interval', 2], ['backend-added', 2]]))).toBe('backend-added 2, commit-interval 2, settings-changed 1');
  });
});

describe('sniFrontendReasons', () => {
  const fe = (number: number, certFile: string, keyHosts: string[], routes: string[]): SniFrontend => ({ backend: `be_sni_cert_${number}`, number, certFile, keyHosts, routes, alpn: false });
  const a = fe(0, '/c/a.pem', ['*.a.example.com'], ['team-a/web']);
  const b = fe(1, '/c/b.pem', ['*.b.example.com'], ['team-b/web']);
  const reason = (route?: string): ReloadReason => ({ code: 'sni-frontends-changed', backend: undefined, ...(route ? { route } : {}) });
  const cases: [string, SniFrontend[], SniFrontend[], ReloadReason[]][] = [
    ['the same frontends: nothing', [a, b], [a, b], []],
    ['only the routes behind a frontend changed: the configuration is the same, nothing', [a], [{ ...a, routes: ['team-c/other'] }], []],
    ['a frontend added before another: only its own routes pay, not those of the one renumbered', [fe(0, '/c/b.pem', ['*.b.example.com'], ['team-b/web'])], [fe(0, '/c/0.pem', ['*.z.example.com'], ['team-z/web']), b], [reason('team-z/web')]],
    ['a rotated certificate: its routes', [a, b], [{ ...a, certFile: '/c/a2.pem' }, b], [reason('team-a/web')]],
    ['a frontend removed: its routes', [a, b], [a], [reason('team-b/web')]],
  ];
  for (const [name, before, after, want] of cases) test(name, () => expect(sniFrontendReasons(before, after)).toEqual(want));
});
