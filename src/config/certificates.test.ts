import { describe, expect, test } from 'bun:test';
import { destinationCaFile, routeFileTag, servingCertificateFile } from './certificates.ts';

const NAME_MAX = 255;
const longName = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
const longNamespace = 'n'.repeat(63);

describe('destinationCaFile', () => {
  test.each([
    ['short names', 'team-a', 'shop.v2'],
    ['the longest names Kubernetes allows', longNamespace, longName],
    ['multi-byte characters', 'ns', 'é'.repeat(253)],
    ['path and haproxy syntax', '../..', 'a/b:1 c\n#d'],
    ['control characters', 'ns', '\u0000\u001b[31m\u0085\u2028'],
    ['empty names', '', ''],
  ])('%s: one short name of safe characters only', (_what, namespace, name) => {
    const file = destinationCaFile(namespace, name, 'PEM\n');
    expect(Buffer.byteLength(`${file.name}.tmp`)).toBeLessThanOrEqual(NAME_MAX);
    expect(file.name).toMatch(/^destca-[a-z0-9._-]*-[0-9a-f]{16}-[0-9a-f]{16}\.pem$/);
  });

  test('keeps the route readable where it fits', () => {
    expect(destinationCaFile('team-a', 'shop.v2', 'PEM\n').name).toStartWith('destca-team-a_shop.v2-');
  });

  test('routes whose readable parts are cut to the same text still get their own files', () => {
    const a = destinationCaFile(longNamespace, `${longName.slice(0, 250)}aaa`, 'PEM\n');
    const b = destinationCaFile(longNamespace, `${longName.slice(0, 250)}bbb`, 'PEM\n');
    expect(a.name).not.toBe(b.name);
  });

  test('names change with the content and carry the route tag', () => {
    const one = destinationCaFile('ns', 'r', 'PEM 1\n');
    const two = destinationCaFile('ns', 'r', 'PEM 2\n');
    expect(one.name).not.toBe(two.name);
    expect(one.name).toContain(`-${routeFileTag('ns/r')}-`);
    expect(two.name).toContain(`-${routeFileTag('ns/r')}-`);
  });

  test('namespace and name do not run together: ns "a-b"/name "c" and ns "a"/name "b-c" differ', () => {
    expect(destinationCaFile('a-b', 'c', 'PEM\n').name).not.toBe(destinationCaFile('a', 'b-c', 'PEM\n').name);
  });
});

describe('servingCertificateFile', () => {
  test('the same certificate, key and chain: the same file, whoever serves it', () => {
    expect(servingCertificateFile('KEY\nCERT\n').name).toBe(servingCertificateFile('KEY\nCERT\n').name);
  });

  test('any other content: another file, named by the whole digest', () => {
    const one = servingCertificateFile('KEY\nCERT 1\n');
    const two = servingCertificateFile('KEY\nCERT 2\n');
    expect(one.name).not.toBe(two.name);
    expect(one.name).toMatch(/^cert-[0-9a-f]{64}\.pem$/);
  });
});
