import { describe, expect, test } from 'bun:test';
import { routeTls } from '../../test/support/fixtures.ts';
import { chainLimitErrors, MAX_CHAIN_CERTIFICATES, MAX_PEM_FIELD_BYTES } from './chain-limits.ts';

const block = (type: string, body = 'AAAA') => `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
const certs = (n: number) => block('CERTIFICATE').repeat(n);
const ofBytes = (n: number) => `${block('CERTIFICATE')}${'#'.repeat(n - block('CERTIFICATE').length)}`;

describe('chainLimitErrors', () => {
  const cases: [string, Parameters<typeof routeTls>[1], string[]][] = [
    ['no material', {}, []],
    ['a leaf and the most intermediates allowed', { certificate: certs(1), caCertificate: certs(MAX_CHAIN_CERTIFICATES - 1) }, []],
    [
      'one certificate too many, split over both fields',
      { certificate: certs(6), caCertificate: certs(5) },
      ['spec.tls.certificate: Invalid value: "redacted certificate data": the chain (certificate and caCertificate) holds 11 certificates, at most 10 are allowed'],
    ],
    ['a field of exactly the size allowed', { certificate: ofBytes(MAX_PEM_FIELD_BYTES) }, []],
    ['a key one byte over', { key: ofBytes(MAX_PEM_FIELD_BYTES + 1) }, [`spec.tls.key: Invalid value: "redacted key data": ${MAX_PEM_FIELD_BYTES + 1} bytes, at most ${MAX_PEM_FIELD_BYTES} are allowed`]],
    [
      'a destination CA one byte over',
      { destinationCACertificate: ofBytes(MAX_PEM_FIELD_BYTES + 1) },
      [`spec.tls.destinationCACertificate: Invalid value: "redacted destination ca certificate data": ${MAX_PEM_FIELD_BYTES + 1} bytes, at most ${MAX_PEM_FIELD_BYTES} are allowed`],
    ],
    [
      'two fields each within bounds, the chain over',
      { certificate: ofBytes(40_000), caCertificate: ofBytes(40_000) },
      ['spec.tls.certificate: Invalid value: "redacted certificate data": the chain (certificate and caCertificate) is 80000 bytes, at most 65536 are allowed'],
    ],
    ['multi-byte characters count as bytes', { caCertificate: 'é'.repeat(MAX_PEM_FIELD_BYTES / 2 + 1) }, [`spec.tls.caCertificate: Invalid value: "redacted ca certificate data": ${MAX_PEM_FIELD_BYTES + 2} bytes, at most ${MAX_PEM_FIELD_BYTES} are allowed`]],
    ['a destination CA bundle is no served chain: its certificates are not counted', { destinationCACertificate: certs(20) }, []],
  ];
  test.each(cases)('%s', (_what, fields, want) => {
    expect(chainLimitErrors(routeTls('edge', fields))).toEqual(want);
  });
});
