import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import type { ServerRuntimeState } from '../haproxy/runtime-api/servers-state.ts';
import { planAfterLoad, serverDifferences } from './worker-check.ts';

/** Where check slots 1-64 live. */
const CHECK_BACKEND = 'be_checks_0';

const running = (backendName: string, serverName: string): ServerRuntimeState => ({
  backend: backendName,
  server: serverName,
  addr: '10.0.0.1',
  port: 8080,
  adminState: 0,
  operState: 2,
  weight: 1,
  healthCheck: 'disabled',
});

describe('serverDifferences', () => {
  const m = model([backend('be_http:ns:a', [server('s1'), server('s2')])], {
    checks: [
      { name: 'chk1', target: { ip: '10.0.0.1', port: 8080 }, lastTarget: undefined, tls: false, intervalMs: 5000, active: true },
      { name: 'chk2', target: undefined, lastTarget: undefined, tls: false, intervalMs: 5000, active: false },
    ],
  });
  const checks = [running(CHECK_BACKEND, 'chk1'), { ...running(CHECK_BACKEND, 'chk2'), addr: '10.9.9.9' }];

  test('a worker holding exactly the model\'s servers differs in nothing; the TLS hand-off backends do not count', () => {
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:a', 's2'), ...checks, running('be_sni', 'fe_sni'), running('be_no_sni', 'fe_no_sni')])).toEqual({
      missing: [],
      unexpected: [],
    });
  });

  test('missing and unexpected servers are named backend/server', () => {
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:b', 's9'), ...checks])).toEqual({
      missing: ['be_http:ns:a/s2'],
      unexpected: ['be_http:ns:b/s9'],
    });
  });

  test('a check slot pointing at another endpoint than the model says is missing', () => {
    const elsewhere = [{ ...running(CHECK_BACKEND, 'chk1'), port: 9090 }, running(CHECK_BACKEND, 'chk2')];
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:a', 's2'), ...elsewhere])).toEqual({ missing: [`${CHECK_BACKEND}/chk1`], unexpected: [] });
  });

  test('a slot under another check backend, or one the model lacks, is unexpected; a server listed twice is named once', () => {
    const wrong = [running(CHECK_BACKEND, 'chk1'), running('be_checks_1', 'chk2'), running(CHECK_BACKEND, 'chk7'), running(CHECK_BACKEND, 'chk7')];
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:a', 's2'), running('be_http:ns:a', 's2'), ...wrong])).toEqual({
      missing: [`${CHECK_BACKEND}/chk2`],
      unexpected: ['be_checks_1/chk2', `${CHECK_BACKEND}/chk7`],
    });
  });

  test('every missing server is named, route servers in the model\'s order, then check slots', () => {
    const two = model([backend('be_http:ns:a', [server('s1'), server('s2')]), backend('be_http:ns:b', [server('s3', { ip: '10.0.0.3' })])]);
    expect(serverDifferences(two, [running('be_http:ns:a', 's2')]).missing).toEqual(['be_http:ns:a/s1', 'be_http:ns:b/s3', ...two.checks.map((c) => `${CHECK_BACKEND}/${c.name}`)]);
  });

  test('servers commands named while the worker was asked are left out, missing or unexpected alike; the others still count', () => {
    const report = [running('be_http:ns:a', 's1'), running('be_http:ns:b', 's9'), running('be_http:ns:c', 's4'), { ...running(CHECK_BACKEND, 'chk1'), port: 9090 }, running(CHECK_BACKEND, 'chk2')];
    const touched = new Set(['be_http:ns:a/s2', 'be_http:ns:b/s9', `${CHECK_BACKEND}/chk1`]);
    expect(serverDifferences(m, report, touched)).toEqual({ missing: [], unexpected: ['be_http:ns:c/s4'] });
  });
});

describe('planAfterLoad', () => {
  test('switches off the checks that should not run, and marks their servers up; free slots stay as loaded', () => {
    const m = model([backend('be_http:ns:a', [server('s1')]), backend('be_http:ns:b', [server('s2', { ip: '10.0.0.2' }), server('s3', { ip: '10.0.0.3' })])]);
    expect(m.checks.filter((c) => c.target).map((c) => [c.name, c.active])).toEqual([
      ['chk1', false],
      ['chk2', true],
      ['chk3', true],
    ]);
    expect(planAfterLoad(m)).toEqual([
      { kind: 'disable-health', backend: CHECK_BACKEND, server: 'chk1' },
      { kind: 'set-health-up', backend: CHECK_BACKEND, server: 'chk1' },
    ]);
  });
});
