import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { certificatePath, destinationCaFile, servingCertificateFile } from './certificates.ts';

describe('destinationCaFile', () => {
  test('the same CA: the same file, whichever route verifies with it', () => {
    expect(destinationCaFile('CA\n').name).toBe(destinationCaFile('CA\n').name);
  });

  test('any other content: another file, named by the whole digest', () => {
    const one = destinationCaFile('CA 1\n');
    const two = destinationCaFile('CA 2\n');
    expect(one.name).not.toBe(two.name);
    expect(one.name).toMatch(/^destca-[0-9a-f]{64}\.pem$/);
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

describe('certificatePath', () => {
  test('the file in the directory, for each directory asked', () => {
    const file = servingCertificateFile('PEM\n');
    expect(certificatePath('/run/a/certs', file)).toBe(`/run/a/certs/${file.name}`);
    expect(certificatePath('/run/b/certs', file)).toBe(`/run/b/certs/${file.name}`);
  });

  test('the routes sharing a certificate file share one path string, not a copy each', () => {
    const file = servingCertificateFile('WILDCARD\n');
    const strings = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.string ?? 0;
    };
    const before = strings();
    const perRoute = Array.from({ length: 5_000 }, () => certificatePath('/run/router/certs', file));
    expect(perRoute[4_999]).toBe(`/run/router/certs/${file.name}`);
    expect(strings() - before).toBeLessThan(500);
  });
});
