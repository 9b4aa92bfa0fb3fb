import { describe, expect, test } from 'bun:test';
import { route, settings } from '../../test/support/fixtures.ts';
import type { DesiredConfig } from '../plan/desired-config.ts';
import { checkReport } from './report.ts';

const desired = (more: Partial<DesiredConfig>): DesiredConfig => ({
  considered: new Map(),
  admitted: [],
  rejected: new Map(),
  notices: new Map(),
  complete: true,
  model: { settings: settings(), backends: [], checks: [], maps: { 'os_http_be.map': [], 'os_http_be_prefix.map': [], 'os_edge_reencrypt_be.map': [], 'os_edge_reencrypt_be_prefix.map': [], 'os_http_be_hosts.map': [], 'os_edge_reencrypt_be_hosts.map': [], 'os_sni_passthrough.map': [] }, matchRules: [], crtList: [], sniFrontends: [], certificates: [], defaultCertificate: '' },
  ...more,
});
const VALID = { ok: true, output: [] };

describe('checkReport', () => {
  test('every route by key, with what it serves or why not; a summary; ok only without any problem', () => {
    const report = checkReport({
      desired: desired({
        admitted: [route({ name: 'web', namespace: 'shop' }), route({ name: 'a', namespace: 'blog', path: '/x' })],
        rejected: new Map([['shop/copy', { reason: 'HostAlreadyClaimed', message: 'route web already exposes web.example.com' }]]),
        notices: new Map([['shop/web', 'its annotation haproxy.router.openshift.io/timeout is not implemented yet']]),
      }),
      problems: [{ level: 'warn', message: 'm/x.yaml: skipping kind Ingress' }],
      haproxy: VALID,
    });
    expect(report.text).toBe(
      [
        'admitted    blog/a     a.example.com/x -> http -> service a',
        'rejected    shop/copy  HostAlreadyClaimed: route web already exposes web.example.com',
        'admitted    shop/web   web.example.com/ -> http -> service web (but its annotation haproxy.router.openshift.io/timeout is not implemented yet)',
        'warning     m/x.yaml: skipping kind Ingress',
        'haproxy -c  configuration valid',
        '3 routes: 2 admitted, 1 rejected; 0 unreadable files; haproxy -c ok',
        '',
      ].join('\n'),
    );
    expect(report.ok).toBe(false);
  });

  test.each<[string, Parameters<typeof checkReport>[0], boolean]>([
    ['all admitted, haproxy content', { desired: desired({ admitted: [route({ name: 'a' })] }), problems: [{ level: 'warn', message: 'w' }], haproxy: VALID }, true],
    ['an unreadable file', { desired: desired({}), problems: [{ level: 'error', message: 'cannot parse m/x.yaml' }], haproxy: VALID }, false],
    ['haproxy refuses', { desired: desired({}), problems: [], haproxy: { ok: false, output: ['[ALERT] x'] } }, false],
  ])('%s', (_what, input, ok) => {
    expect(checkReport(input).ok).toBe(ok);
  });

  test("haproxy's refusal and outside text are printed escaped, one line each", () => {
    const { text } = checkReport({ desired: desired({}), problems: [{ level: 'error', message: 'bad \x1b[2Kfile' }], haproxy: { ok: false, output: ['[ALERT] a', '[ALERT] b'] } });
    expect(text).toContain('unreadable  bad \\u001b[2Kfile\n');
    expect(text).toContain('haproxy -c  refused the configuration:\n            [ALERT] a\n            [ALERT] b\n');
  });
});
