import { describe, expect, test } from 'bun:test';
import { describeCounts, describeReasons, reasonCodes, type ReloadReason } from './reload-reasons.ts';

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
