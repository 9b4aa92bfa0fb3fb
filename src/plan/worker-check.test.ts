import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import type { ServerRuntimeState } from '../haproxy/runtime-api/servers-state.ts';
import { planAfterLoad, serverDifferences } from './worker-check.ts';

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
  const m = model([backend('be_http:ns:a', [server('s1'), server('s2')])]);

  test('a worker holding exactly the model\'s servers differs in nothing; the TLS hand-off backends do not count', () => {
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:a', 's2'), running('be_sni', 'fe_sni'), running('be_no_sni', 'fe_no_sni')])).toEqual({
      missing: [],
      unexpected: [],
    });
  });

  test('missing and unexpected servers are named backend/server', () => {
    expect(serverDifferences(m, [running('be_http:ns:a', 's1'), running('be_http:ns:b', 's9')])).toEqual({
      missing: ['be_http:ns:a/s2'],
      unexpected: ['be_http:ns:b/s9'],
    });
  });
});

describe('planAfterLoad', () => {
  test('switches off the health check of every server that should run unchecked', () => {
    const m = model([backend('be_http:ns:a', [server('s1')]), backend('be_http:ns:b', [server('s1', { check: true }), server('s2', { check: true })])]);
    expect(planAfterLoad(m)).toEqual([{ kind: 'disable-health', backend: 'be_http:ns:a', server: 's1' }]);
  });
});
