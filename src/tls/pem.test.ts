import { describe, expect, test } from 'bun:test';
import { InvalidTlsData } from './invalid-data.ts';
import { decodePem, encodePem } from './pem.ts';

const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
const base64 = Buffer.from(bytes).toString('base64');
/** The 100 bytes as one block in the canonical layout: 136 base64 characters as lines of 64, 64 and 8. */
const canonical = `-----BEGIN CERTIFICATE-----\n${base64.slice(0, 64)}\n${base64.slice(64, 128)}\n${base64.slice(128)}\n-----END CERTIFICATE-----\n`;
const oneLine = `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----`;

describe('decodePem + encodePem', () => {
  test.each([
    ['canonical input is unchanged', canonical],
    ['base64 on one long line', oneLine],
    ['CRLF line ends', oneLine.replaceAll('\n', '\r\n')],
    ['indentation and trailing blanks', oneLine.split('\n').map((l) => `  ${l} \t`).join('\n')],
    ['blank lines inside the block', oneLine.replace(`\n${base64}`, `\n\n${base64}\n\n`)],
    ['junk between and around blocks', `Bag Attributes\n    localKeyID: 01 02\nsubject=/CN=x\n${oneLine}\nbind :1\n  crt /etc/shadow\n`],
    ['EC PARAMETERS dropped', `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${oneLine}`],
  ])('%s', (_name, input) => {
    const blocks = decodePem(input);
    expect(blocks).toEqual([{ type: 'CERTIFICATE', der: bytes }]);
    expect(encodePem(blocks)).toBe(canonical);
  });

  test('keeps every known type in order', () => {
    const types = ['RSA PRIVATE KEY', 'CERTIFICATE', 'EC PRIVATE KEY', 'PRIVATE KEY'] as const;
    const text = types.map((t) => `-----BEGIN ${t}-----\nAAEC\n-----END ${t}-----\n`).join('junk\n');
    expect(decodePem(text).map((b) => b.type)).toEqual([...types]);
  });

  test('text without blocks decodes to nothing', () => {
    expect(decodePem('bind :1 ssl crt /etc/passwd\nglobal\n')).toEqual([]);
    expect(encodePem([])).toBe('');
  });

  test('sanitised output holds nothing but canonical blocks', () => {
    const hostile = `frontend evil\n  bind :1\n${oneLine}\n\n  use_backend x\n${oneLine.replaceAll('\n', '\r\n')}\r\n# end`;
    const out = encodePem(decodePem(hostile));
    const line = /^(?:-----(?:BEGIN|END) CERTIFICATE-----|[A-Za-z0-9+/]{1,64}={0,2})$/;
    expect(out.endsWith('\n')).toBe(true);
    expect(out.slice(0, -1).split('\n').every((l) => line.test(l))).toBe(true);
    expect(out).toBe(canonical + canonical);
  });
});

describe('decodePem rejects', () => {
  test.each([
    ['an unknown block type', '-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----', 'unrecognized PEM block "PUBLIC KEY"'],
    ['an encrypted key', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAEC\n-----END ENCRYPTED PRIVATE KEY-----', 'unrecognized PEM block "ENCRYPTED PRIVATE KEY"'],
    ['PEM headers', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAEC\n-----END RSA PRIVATE KEY-----', 'has headers'],
    ['a missing END line', '-----BEGIN CERTIFICATE-----\nAAEC\n', 'missing END line'],
    ['a mismatched END line', '-----BEGIN CERTIFICATE-----\nAAEC\n-----END PRIVATE KEY-----', 'mismatched END line'],
    ['a stray END line', 'AAEC\n-----END CERTIFICATE-----', 'unexpected marker'],
    ['text after a BEGIN marker', '-----BEGIN CERTIFICATE----- bind :1\nAAEC\n-----END CERTIFICATE-----', 'unexpected marker'],
    ['a nested BEGIN', '-----BEGIN CERTIFICATE-----\n-----BEGIN CERTIFICATE-----\nAAEC\n-----END CERTIFICATE-----', 'invalid base64'],
    ['non-base64 characters', '-----BEGIN CERTIFICATE-----\nAA*C\n-----END CERTIFICATE-----', 'invalid base64'],
    ['missing padding', '-----BEGIN CERTIFICATE-----\nAAE\n-----END CERTIFICATE-----', 'invalid base64'],
    ['padding in the middle', '-----BEGIN CERTIFICATE-----\nAA==AAEC\n-----END CERTIFICATE-----', 'invalid base64'],
    ['non-zero trailing bits', '-----BEGIN CERTIFICATE-----\nAAF=\n-----END CERTIFICATE-----', 'invalid base64'],
  ])('%s', (_name, input, message) => {
    expect(() => decodePem(input)).toThrow(InvalidTlsData);
    expect(() => decodePem(input)).toThrow(message);
  });

  test('long type names are clipped in messages', () => {
    const type = 'X'.repeat(500);
    expect(() => decodePem(`-----BEGIN ${type}-----\nAAEC\n-----END ${type}-----`)).toThrow(`unrecognized PEM block "${'X'.repeat(40)}..."`);
  });
});
