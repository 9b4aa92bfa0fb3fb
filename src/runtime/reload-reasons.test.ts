import { describe, expect, test } from 'bun:test';
import { describeReasons, type ReloadReason } from './reload-reasons.ts';

describe('describeReasons', () => {
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
