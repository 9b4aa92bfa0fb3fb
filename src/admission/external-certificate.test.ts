import { expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { Route } from '../domain/route.ts';
import { checkExternalCertificate } from './external-certificate.ts';

const named = (more: Partial<Route>) => route({ name: 'r', tls: { ...routeTls('edge'), externalCertificate: 'tls' }, ...more });

test.each([
  ['no externalCertificate', route({ name: 'r', tls: routeTls('edge') }), { ok: true }],
  ['the Secret was read', named({ externalCertificateStatus: { ok: true } }), { ok: true }],
  [
    'the Secret could not be read',
    named({ externalCertificateStatus: { ok: false, problem: 'spec.tls.externalCertificate: Not found: "secrets \\"tls\\" not found"' } }),
    { ok: false, reason: 'ExternalCertificateValidationFailed', message: 'spec.tls.externalCertificate: Not found: "secrets \\"tls\\" not found"' },
  ],
  [
    'no source read it (a manifest directory): never served with the default certificate',
    named({}),
    { ok: false, reason: 'ExternalCertificateValidationFailed', message: expect.stringContaining('Secrets are read from the Kubernetes API only') },
  ],
] as const)('%s', (_name, r, verdict) => {
  expect(checkExternalCertificate(r)).toEqual(verdict);
});
