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

  test('an open-file limit that leaves no room is an error, not a configuration that serves no one', () => {
    expect(() => desiredConfig(input({ fdLimit: 1500 }))).toThrow(DescriptorLimitError);
  });
});
