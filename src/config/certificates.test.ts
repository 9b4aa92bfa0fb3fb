import { describe, expect, test } from 'bun:test';
import { certificateFile, routeFileTag } from './certificates.ts';

const NAME_MAX = 255;
const longName = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
const longNamespace = 'n'.repeat(63);

describe('certificateFile', () => {
  test.each([
    ['short names', 'team-a', 'shop.v2'],
    ['the longest names Kubernetes allows', longNamespace, longName],
    ['multi-byte characters', 'ns', 'é'.repeat(253)],
    ['path and haproxy syntax', '../..', 'a/b:1 c\n#d'],
    ['control characters', 'ns', '\u0000\u001b[31m\u0085\u2028'],
    ['empty names', '', ''],
  ])('%s: one short name of safe characters only', (_what, namespace, name) => {
    for (const kind of ['cert', 'destca'] as const) {
      const file = certificateFile(kind, namespace, name, 'PEM\n');
      expect(Buffer.byteLength(`${file.name}.tmp`)).toBeLessThanOrEqual(NAME_MAX);
      expect(file.name).toMatch(new RegExp(`^${kind}-[a-z0-9._-]*-[0-9a-f]{16}-[0-9a-f]{16}\\.pem$`));
    }
  });

  test('keeps the route readable where it fits', () => {
    expect(certificateFile('cert', 'team-a', 'shop.v2', 'PEM\n').name).toStartWith('cert-team-a_shop.v2-');
  });

  test('routes whose readable parts are cut to the same text still get their own files', () => {
    const a = certificateFile('cert', longNamespace, `${longName.slice(0, 250)}aaa`, 'PEM\n');
    const b = certificateFile('cert', longNamespace, `${longName.slice(0, 250)}bbb`, 'PEM\n');
    expect(a.name).not.toBe(b.name);
  });

  test('names change with the content and carry the route tag', () => {
    const one = certificateFile('cert', 'ns', 'r', 'PEM 1\n');
    const two = certificateFile('cert', 'ns', 'r', 'PEM 2\n');
    expect(one.name).not.toBe(two.name);
    expect(one.name).toContain(`-${routeFileTag('ns/r')}-`);
    expect(two.name).toContain(`-${routeFileTag('ns/r')}-`);
  });

  test('namespace and name do not run together: ns "a-b"/name "c" and ns "a"/name "b-c" differ', () => {
    expect(certificateFile('cert', 'a-b', 'c', 'PEM\n').name).not.toBe(certificateFile('cert', 'a', 'b-c', 'PEM\n').name);
  });
});
