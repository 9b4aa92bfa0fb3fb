import { describe, test } from 'bun:test';
import type { RouteTLS } from '../domain/route.ts';
import { createRoute, expectVerdict } from '../../test/support/admission.ts';
import { validateTlsFields } from './tls-fields.ts';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const passthroughCerts = (field: string, redacted: string) =>
  `spec.tls.${field}: Invalid value: "${redacted}": passthrough termination does not support certificates`;
const edgePolicy = (v: string) =>
  `spec.tls.insecureEdgeTerminationPolicy: Invalid value: "${v}": invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Allow, Redirect, or empty`;
const passthroughPolicy = (v: string) =>
  `spec.tls.insecureEdgeTerminationPolicy: Invalid value: "${v}": invalid value for InsecureEdgeTerminationPolicy option, acceptable values are None, Redirect, or empty`;

describe('validateTlsFields', () => {
  const cases: [string, Partial<RouteTLS> | undefined, string, string | undefined][] = [
    ['no TLS', undefined, '', undefined],
    ['edge without certificates', { termination: 'edge' }, '', undefined],
    ['edge with certificates', { termination: 'edge', certificate: PEM, key: PEM, caCertificate: PEM }, '/a', undefined],
    ['reencrypt with every certificate', { termination: 'reencrypt', certificate: PEM, key: PEM, caCertificate: PEM, destinationCACertificate: PEM }, '', undefined],
    ['passthrough bare', { termination: 'passthrough' }, '', undefined],
    [
      'unknown termination',
      { termination: 'Edge' },
      '',
      'spec.tls.termination: Unsupported value: "Edge": supported values: "edge", "passthrough", "reencrypt"',
    ],
    ['empty termination', { termination: '' }, '', 'spec.tls.termination: Unsupported value: "": supported values: "edge", "passthrough", "reencrypt"'],
    [
      'edge with a destination CA',
      { termination: 'edge', destinationCACertificate: PEM },
      '',
      'spec.tls.destinationCACertificate: Invalid value: "redacted destination ca certificate data": edge termination does not support destination certificates',
    ],
    ['passthrough with a certificate', { termination: 'passthrough', certificate: PEM }, '', passthroughCerts('certificate', 'redacted certificate data')],
    ['passthrough with a key', { termination: 'passthrough', key: PEM }, '', passthroughCerts('key', 'redacted key data')],
    ['passthrough with a CA', { termination: 'passthrough', caCertificate: PEM }, '', passthroughCerts('caCertificate', 'redacted ca certificate data')],
    [
      'passthrough with a destination CA',
      { termination: 'passthrough', destinationCACertificate: PEM },
      '',
      passthroughCerts('destinationCACertificate', 'redacted destination ca certificate data'),
    ],
    ['passthrough with a path', { termination: 'passthrough' }, '/a', 'spec.path: Invalid value: "/a": passthrough termination does not support paths'],
    ['passthrough with "/"', { termination: 'passthrough' }, '/', 'spec.path: Invalid value: "/": passthrough termination does not support paths'],
    [
      'every passthrough error at once',
      { termination: 'passthrough', certificate: PEM, key: PEM, insecureEdgeTerminationPolicy: 'Allow' },
      '/a',
      `[spec.path: Invalid value: "/a": passthrough termination does not support paths, ${passthroughCerts('certificate', 'redacted certificate data')}, ${passthroughCerts('key', 'redacted key data')}, ${passthroughPolicy('Allow')}]`,
    ],
    ['edge Allow', { termination: 'edge', insecureEdgeTerminationPolicy: 'Allow' }, '', undefined],
    ['edge Redirect', { termination: 'edge', insecureEdgeTerminationPolicy: 'Redirect' }, '', undefined],
    ['edge None', { termination: 'edge', insecureEdgeTerminationPolicy: 'None' }, '', undefined],
    ['edge lower-case policy', { termination: 'edge', insecureEdgeTerminationPolicy: 'allow' }, '', edgePolicy('allow')],
    ['reencrypt unknown policy', { termination: 'reencrypt', insecureEdgeTerminationPolicy: 'Upgrade' }, '', edgePolicy('Upgrade')],
    ['passthrough Redirect', { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Redirect' }, '', undefined],
    ['passthrough None', { termination: 'passthrough', insecureEdgeTerminationPolicy: 'None' }, '', undefined],
    ['passthrough Allow', { termination: 'passthrough', insecureEdgeTerminationPolicy: 'Allow' }, '', passthroughPolicy('Allow')],
    [
      'unknown termination hides the policy error',
      { termination: 'x', insecureEdgeTerminationPolicy: 'Bogus' },
      '',
      'spec.tls.termination: Unsupported value: "x": supported values: "edge", "passthrough", "reencrypt"',
    ],
    [
      'user values are quoted on one line',
      { termination: 'edge\nbind :1' },
      '',
      'spec.tls.termination: Unsupported value: "edge\\nbind :1": supported values: "edge", "passthrough", "reencrypt"',
    ],
  ];
  for (const [name, tls, path, message] of cases) {
    test(name, () => {
      const route = createRoute('web', { path, tls });
      expectVerdict(validateTlsFields(route), message === undefined ? undefined : 'ExtendedValidationFailed', message);
    });
  }
});
