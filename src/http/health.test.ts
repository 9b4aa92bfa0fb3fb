import { describe, expect, test } from 'bun:test';
import { conditionCheck, healthAnswer, type HealthCheck } from './health.ts';

const pass = (name: string): HealthCheck => conditionCheck(name, () => true, '');
const fail = (name: string, why: string): HealthCheck => conditionCheck(name, () => false, why);

describe("healthAnswer (Kubernetes' healthz format, as openshift-router answers)", () => {
  test.each<[string, HealthCheck[], string, boolean, { status: number; body: string } | undefined]>([
    ['all pass', [pass('controller'), pass('admin-socket')], '', false, { status: 200, body: 'ok' }],
    ['all pass, verbose', [pass('controller')], '', true, { status: 200, body: '[+]controller ok\nhealthz check passed\n' }],
    [
      'one fails: every check listed, reasons withheld',
      [fail('backend-http', 'connection refused'), pass('has-synced')],
      '',
      false,
      { status: 500, body: '[-]backend-http failed: reason withheld\n[+]has-synced ok\nhealthz check failed\n' },
    ],
    ['one check by name', [pass('controller'), fail('admin-socket', 'gone')], 'controller', false, { status: 200, body: 'ok' }],
    ['one failing check by name says why', [fail('admin-socket', 'gone')], 'admin-socket', false, { status: 500, body: 'internal server error: gone\n' }],
    ['an unknown check', [pass('controller')], 'nope', false, undefined],
  ])('%s', async (_name, checks, subpath, verbose, expected) => {
    expect(await healthAnswer('healthz', checks, subpath, verbose)).toEqual(expected);
  });
});
