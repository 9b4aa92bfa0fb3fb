import { ApiException } from '@kubernetes/client-node';
import { describe, expect, test } from 'bun:test';
import { KubeStatusError, retryAfterMs, statusError, statusErrorFromResponse } from './errors.ts';

const status = (code: number, details?: Record<string, unknown>) => JSON.stringify({ kind: 'Status', code, ...(details ? { details } : {}) });

describe('retryAfterMs', () => {
  test.each([
    ['429 with Retry-After', new ApiException(429, 'Too Many Requests', status(429, { retryAfterSeconds: 1 }), { 'retry-after': '3' }), 3000],
    ['429 with the details only', new ApiException(429, 'Too Many Requests', status(429, { retryAfterSeconds: 2 }), {}), 2000],
    ['429 naming no wait: a second', new ApiException(429, 'Too Many Requests', status(429), {}), 1000],
    ['429 with Retry-After 0: a second, not a loop', new ApiException(429, 'Too Many Requests', status(429), { 'retry-after': '0' }), 1000],
    ['a fraction is no wait named (client-go reads whole seconds): a second for a 429', new ApiException(429, '', status(429), { 'retry-after': '0.2' }), 1000],
    ['an empty Retry-After falls back on the details', new ApiException(503, '', status(503, { retryAfterSeconds: 5 }), { 'retry-after': '' }), 5000],
    ['a wait over a minute is a minute', new ApiException(429, 'Too Many Requests', status(429), { 'retry-after': '86400' }), 60_000],
    ['a Retry-After that is no number falls back on the details', new ApiException(429, '', status(429, { retryAfterSeconds: 4 }), { 'retry-after': 'soon' }), 4000],
    ['503 with Retry-After', new ApiException(503, 'Service Unavailable', status(503), { 'retry-after': '5' }), 5000],
    ['503 without: not a throttle', new ApiException(503, 'Service Unavailable', status(503), {}), undefined],
    ['409 conflict', new ApiException(409, 'Conflict', status(409), { 'retry-after': '1' }), undefined],
    ['our own 429 error (a list)', new KubeStatusError(429, 'Too many requests'), 1000],
    ['a network error', new Error('ECONNRESET'), undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_name, err, want) => {
    expect(retryAfterMs(err)).toBe(want);
  });
});

test('a response read into an error keeps the wait its Retry-After or its Status details ask for', async () => {
  const header = await statusErrorFromResponse(new Response(status(429), { status: 429, headers: { 'Retry-After': '2' } }));
  expect(retryAfterMs(header)).toBe(2000);
  const details = await statusErrorFromResponse(new Response(status(429, { retryAfterSeconds: 3 }), { status: 429 }));
  expect(retryAfterMs(details)).toBe(3000);
  const plain503 = await statusErrorFromResponse(new Response(status(503), { status: 503 }));
  expect(retryAfterMs(plain503)).toBeUndefined();
});

test("a watch's ERROR event keeps the wait its Status's details ask for", () => {
  expect(retryAfterMs(statusError({ kind: 'Status', code: 429, details: { retryAfterSeconds: 4 } }, 500))).toBe(4000);
  expect(retryAfterMs(statusError({ kind: 'Status', code: 410 }, 500))).toBeUndefined();
});
