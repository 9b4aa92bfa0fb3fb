import { describe, expect, test } from 'bun:test';
import { admissionSettings } from '../../test/support/admission.ts';
import { route, settings, slice } from '../../test/support/fixtures.ts';
import { DescriptorLimitError, desiredConfig, type DesiredInput } from './desired-config.ts';

const input = (more: Partial<DesiredInput> = {}): DesiredInput => ({
  routes: [route({ name: 'a' }), route({ name: 'copy', namespace: 'other', host: 'a.example.com', creationTimestamp: '2026-02-01T00:00:00Z' })],
  held: new Map(),
  slices: [slice('a', ['10.0.0.1'])],
  admission: admissionSettings(),
  validateTls: undefined,
  settings: settings({ maxConnections: 50000 }),
  fdLimit: undefined,
  allowAddress: () => true,
  includeUdpEndpoints: false,
  defaultCertificate: '',
  defaultDestinationCa: undefined,
  ...more,
});

describe('desiredConfig', () => {
  test('admits, rejects with reasons, and models the admitted routes', () => {
    const d = desiredConfig(input());
    expect(d.admitted.map((r) => r.name)).toEqual(['a']);
    expect(d.rejected.get('other/copy')?.reason).toBe('HostAlreadyClaimed');
    expect(d.model.backends.map((b) => b.name)).toContain('be_http:default:a');
  });

  test('maxconn is lowered to what the open-file limit leaves', () => {
    expect(desiredConfig(input()).model.settings.maxConnections).toBe(50000);
    expect(desiredConfig(input({ fdLimit: 20000 })).model.settings.maxConnections).toBeLessThan(10000);
  });

  test("when the open-file limit leaves too few descriptors for every route's checks, the newest routes are refused, with a reason", () => {
    const routes = ['a', 'b', 'c'].map((name, i) => route({ name, creationTimestamp: `2026-01-0${i + 1}T00:00:00Z` }));
    const slices = [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.2']), slice('c', ['10.0.0.3'])];
    // 1000 reserved, 2 x 100 connections, 16 free check slots: room for two endpoints' checks.
    const d = desiredConfig(input({ routes, slices, fdLimit: 1000 + 200 + 16 + 2 }));
    expect(d.admitted.map((r) => r.name)).toEqual(['a', 'b']);
    expect(d.model.backends.map((b) => b.name)).toEqual(['be_http:default:a', 'be_http:default:b']);
    expect(d.rejected.get('default/c')).toEqual({ reason: 'RouteNotAdmitted', message: expect.stringContaining('open-file limit (1218)') });
    expect(d.model.settings.maxConnections).toBe(100);
    // With room to spare, everyone is served.
    expect(desiredConfig(input({ routes, slices, fdLimit: 20000 })).admitted).toHaveLength(3);
  });

  test('an open-file limit that leaves no room even without routes is an error, not a configuration that serves no one', () => {
    expect(desiredConfig(input({ fdLimit: 1500 })).model.settings.maxConnections).toBe(100);
    expect(() => desiredConfig(input({ fdLimit: 1200 }))).toThrow(DescriptorLimitError);
  });
});
