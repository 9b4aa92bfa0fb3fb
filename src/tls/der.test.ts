import { describe, expect, test } from 'bun:test';
import { Tag, childrenOf, decodeOid, readDer } from './der.ts';
import { objectId, octetString, sequence, time, tlv, unsignedInteger } from './der-writer.ts';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('readDer', () => {
  test('walks a sequence', () => {
    const node = readDer(hex('30 06 02 01 05 04 01 ff'));
    expect(node.tag).toBe(Tag.SEQUENCE);
    expect(childrenOf(node).map((c) => [c.tag, toHex(c.content)])).toEqual([
      [Tag.INTEGER, '05'],
      [Tag.OCTET_STRING, 'ff'],
    ]);
  });

  test('long-form lengths', () => {
    const content = new Uint8Array(300);
    expect(readDer(hex(`04 82 01 2c ${toHex(content)}`)).content.length).toBe(300);
  });

  test.each([
    ['trailing bytes', '04 01 00 00'],
    ['truncated content', '04 05 00'],
    ['truncated header', '04'],
    ['empty input', ''],
    ['indefinite length (BER)', '30 80 00 00'],
    ['non-minimal long form', '04 81 05 0000000000'],
    ['leading zero length octet', '04 82 00 85'],
    ['high tag number form', '1f 81 00 00'],
    ['a child running past its parent', '30 03 04 05 00'],
  ])('rejects %s', (_name, input) => {
    expect(() => childrenOf(readDer(hex(input)))).toThrow('x509: malformed certificate');
  });
});

describe('OIDs', () => {
  test.each(['2.5.29.14', '1.2.840.113549.1.1.11', '1.2.840.10045.4.3.2', '2.999.1', '1.3.6.1.4.1.311.21.7'])('%s round-trips', (oid) => {
    expect(decodeOid(readDer(objectId(oid)))).toBe(oid);
  });

  test('matches a known encoding (sha256WithRSAEncryption)', () => {
    expect(toHex(objectId('1.2.840.113549.1.1.11'))).toBe('06092a864886f70d01010b');
  });

  test.each([
    ['empty', '06 00'],
    ['unterminated arc', '06 02 2a 86'],
    ['non-minimal arc', '06 02 80 01'],
  ])('rejects %s', (_name, input) => {
    expect(() => decodeOid(readDer(hex(input)))).toThrow('x509: malformed certificate');
  });
});

describe('der-writer', () => {
  test.each([
    [[0x00], '020100'],
    [[0x00, 0x00, 0x7f], '02017f'],
    [[0x80], '02020080'],
    [[0x00, 0xff, 0x01], '020300ff01'],
  ])('unsignedInteger %p', (magnitude, want) => {
    expect(toHex(unsignedInteger(Uint8Array.from(magnitude)))).toBe(want);
  });

  test.each([
    [new Date('2030-01-02T03:04:05.678Z'), '170d3330303130323033303430355a'],
    [new Date('2050-01-01T00:00:00Z'), '180f32303530303130313030303030305a'],
  ])('time %p', (date, want) => {
    expect(toHex(time(date))).toBe(want);
  });

  test('nested lengths survive a round trip through the reader', () => {
    const big = octetString(new Uint8Array(70_000));
    const node = readDer(sequence(tlv(Tag.BOOLEAN, Uint8Array.of(0xff)), big));
    expect(childrenOf(node).map((c) => c.encoded.length)).toEqual([3, big.length]);
  });
});
