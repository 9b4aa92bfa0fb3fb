import { describe, expect, test } from 'bun:test';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodePem, type PemBlock, type PemType } from './pem.ts';
import { normalisePrivateKey } from './private-key.ts';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey;

function block(type: PemType, key: KeyObject, encoding: 'pkcs8' | 'pkcs1' | 'sec1'): PemBlock {
  return { type, der: new Uint8Array(key.export({ type: encoding, format: 'der' })) };
}

/** node here cannot even generate keys on curves BoringSSL lacks, so openssl makes one. */
function opensslKey(curve: string): PemBlock {
  const run = Bun.spawnSync(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${curve}`], { stdout: 'pipe', stderr: 'pipe' });
  const [key] = decodePem(run.stdout.toString());
  if (key === undefined) throw new Error(`openssl genpkey failed: ${run.stderr.toString()}`);
  return key;
}

describe('normalisePrivateKey', () => {
  test.each([
    ['PKCS#8 RSA', block('PRIVATE KEY', rsa, 'pkcs8'), 'RSA PRIVATE KEY', rsa, 'pkcs1'],
    ['PKCS#1 RSA', block('RSA PRIVATE KEY', rsa, 'pkcs1'), 'RSA PRIVATE KEY', rsa, 'pkcs1'],
    ['PKCS#8 P-256', block('PRIVATE KEY', p256, 'pkcs8'), 'EC PRIVATE KEY', p256, 'sec1'],
    ['SEC1 P-384', block('EC PRIVATE KEY', p384, 'sec1'), 'EC PRIVATE KEY', p384, 'sec1'],
    ['PKCS#8 inside a mislabelled block', block('RSA PRIVATE KEY', p256, 'pkcs8'), 'EC PRIVATE KEY', p256, 'sec1'],
  ] as const)('%s', (_name, input, type, key, encoding) => {
    const { block: out } = normalisePrivateKey(input);
    expect(out.type).toBe(type);
    expect(out.der).toEqual(new Uint8Array(key.export({ type: encoding, format: 'der' })));
  });

  test.each([
    ['Ed25519', block('PRIVATE KEY', generateKeyPairSync('ed25519').privateKey, 'pkcs8'), 'unsupported key type'],
    ['a secp256k1 key (not a curve Go or BoringSSL knows)', opensslKey('secp256k1'), 'block "PRIVATE KEY" is not valid'],
    ['garbage', { type: 'PRIVATE KEY', der: Uint8Array.of(0x30, 0x00) } as const, 'block "PRIVATE KEY" is not valid'],
  ])('rejects %s', (_name, input, message) => {
    expect(() => normalisePrivateKey(input)).toThrow(message);
  });
});
