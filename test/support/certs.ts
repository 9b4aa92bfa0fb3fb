import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shortTempDir } from './workdir.ts';

/**
 * Test certificates made by the `openssl` CLI (Debian package `openssl`), so
 * the router's own DER and PEM code is checked against an independent
 * implementation rather than against itself.
 *
 * Weak digests: OpenSSL 3.0 still signs with `-sha1` and `-md5` at the default
 * security level; SECLEVEL only limits what TLS negotiates and what
 * `openssl verify` accepts, not what `x509 -req` produces, so no
 * `OPENSSL_CONF`/`@SECLEVEL=0` tweak is needed. MD5 exists only with RSA
 * (there is no ECDSA-with-MD5), so an MD5-signing issuer needs an RSA key.
 * MD2 is gone from OpenSSL 3's providers entirely; tests that need an MD2
 * certificate patch the algorithm OID of an MD5 one.
 */

export type SigAlg = 'sha256' | 'sha1' | 'md5';
export type KeyType = 'rsa' | 'ec' | 'rsa-pss' | 'ec-explicit' | 'ec-brainpool';
/** `pkcs8` is `PRIVATE KEY`; `traditional` is `RSA PRIVATE KEY` / `EC PRIVATE KEY`. */
export type KeyFormat = 'pkcs8' | 'traditional';

export interface KeyOptions {
  /** Digest the issuer signs with (the key's own for self-signed ones). Default sha256. */
  sigAlg?: SigAlg;
  /** Default ec (fast); md5 needs rsa. */
  keyType?: KeyType;
  /** RSA modulus size; default 2048. */
  rsaBits?: number;
  /** Default pkcs8, what `openssl genpkey` writes. */
  keyFormat?: KeyFormat;
  /** A cRLDistributionPoints URI the certificate names. */
  crlUrl?: string;
}

export interface LeafOptions extends KeyOptions {
  dnsNames: readonly string[];
  /** openssl `extendedKeyUsage` value; default serverAuth. */
  extendedKeyUsage?: string;
}

/** A certificate with its key, all PEM. */
export interface Issued {
  cert: string;
  key: string;
  /** What a route's `certificate` field holds: this certificate, then the intermediates up to (not including) the root. */
  chain: string;
}

/** A CA that can issue; `chain` of a root is just the root. */
export interface Authority extends Issued {
  /** The CA's own intermediates above it, excluding the root ("" for a root). */
  intermediates: string;
}

function openssl(cwd: string, args: readonly string[]): void {
  const run = Bun.spawnSync(['openssl', ...args], { cwd, stdout: 'pipe', stderr: 'pipe' });
  if (run.exitCode !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${run.stderr.toString()}`);
}

/**
 * CAs get `keyid:always` so a root carries an AKID equal to its SKID (OpenSSL
 * 3 otherwise omits it on self-signed certificates); self-signed leaves keep
 * the default and have none. Both shapes count as self-signed.
 */
function config(cn: string, dnsNames: readonly string[], extendedKeyUsage: string, crlUrl: string | undefined): string {
  const san = dnsNames.length > 0 ? `subjectAltName = ${dnsNames.map((n) => `DNS:${n}`).join(',')}\n` : '';
  const crl = crlUrl === undefined ? '' : `crlDistributionPoints = URI:${crlUrl}\n`;
  return `[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = ${cn}\n
[ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n${crl}
[leaf]\nbasicConstraints = CA:FALSE\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\nextendedKeyUsage = ${extendedKeyUsage}\n${san}${crl}`;
}

/** Runs openssl in a fresh temp dir: makes a key, then a certificate self-signed or signed by `issuer`. */
function make(cn: string, extensions: 'ca' | 'leaf', issuer: Issued | undefined, opts: KeyOptions & { dnsNames?: readonly string[]; extendedKeyUsage?: string }): { cert: string; key: string } {
  const dir = shortTempDir('certs');
  try {
    const sig = `-${opts.sigAlg ?? 'sha256'}`;
    writeFileSync(join(dir.path, 'openssl.cnf'), config(cn, opts.dnsNames ?? [], opts.extendedKeyUsage ?? 'serverAuth', opts.crlUrl));
    const keyType = opts.keyType ?? 'ec';
    const keyGen =
      keyType === 'ec-brainpool'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:brainpoolP256r1']
        : keyType === 'ec' || keyType === 'ec-explicit'
        ? ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', ...(keyType === 'ec-explicit' ? ['-pkeyopt', 'ec_param_enc:explicit'] : [])]
        : ['-algorithm', keyType === 'rsa' ? 'RSA' : 'RSA-PSS', '-pkeyopt', `rsa_keygen_bits:${opts.rsaBits ?? 2048}`];
    openssl(dir.path, ['genpkey', ...keyGen, '-out', 'pkcs8.pem']);
    openssl(dir.path, ['pkey', '-in', 'pkcs8.pem', ...(opts.keyFormat === 'traditional' ? ['-traditional'] : []), '-out', 'key.pem']);
    const common = ['-days', '365', sig, '-out', 'cert.pem'];
    if (issuer === undefined) {
      openssl(dir.path, ['req', '-x509', '-new', '-key', 'key.pem', '-config', 'openssl.cnf', '-extensions', extensions, ...common]);
    } else {
      writeFileSync(join(dir.path, 'issuer.crt'), issuer.cert);
      writeFileSync(join(dir.path, 'issuer.key'), issuer.key);
      openssl(dir.path, ['req', '-new', '-key', 'key.pem', '-config', 'openssl.cnf', '-out', 'req.csr']);
      const serial = `0x${randomBytes(12).toString('hex')}`;
      openssl(dir.path, ['x509', '-req', '-in', 'req.csr', '-CA', 'issuer.crt', '-CAkey', 'issuer.key', '-set_serial', serial, '-extfile', 'openssl.cnf', '-extensions', extensions, ...common]);
    }
    return { cert: readFileSync(join(dir.path, 'cert.pem'), 'utf8'), key: readFileSync(join(dir.path, 'key.pem'), 'utf8') };
  } finally {
    dir.remove();
  }
}

/** A self-signed root CA named `CN=<name>`. */
export function makeCA(name: string, opts: KeyOptions = {}): Authority {
  const { cert, key } = make(name, 'ca', undefined, opts);
  return { cert, key, chain: cert, intermediates: '' };
}

/** An intermediate CA `CN=<name>` signed by `issuer`. */
export function makeIntermediate(issuer: Authority, name: string, opts: KeyOptions = {}): Authority {
  const { cert, key } = make(name, 'ca', issuer, opts);
  const intermediates = cert + issuer.intermediates;
  return { cert, key, chain: intermediates, intermediates };
}

/** A server certificate for `dnsNames` (the first is also the CN) signed by `issuer`. */
export function makeLeaf(issuer: Authority, opts: LeafOptions): Issued {
  const { cert, key } = make(opts.dnsNames[0] ?? 'leaf', 'leaf', issuer, opts);
  return { cert, key, chain: cert + issuer.intermediates };
}

/** A server certificate for `dnsNames` signed by its own key. */
export function makeSelfSignedLeaf(opts: LeafOptions): Issued {
  const { cert, key } = make(opts.dnsNames[0] ?? 'leaf', 'leaf', undefined, opts);
  return { cert, key, chain: cert };
}

/** A PEM CRL signed by `issuer` revoking `revoked` (made with `openssl ca -gencrl`, as a CA operator would). */
export function makeCrl(issuer: Issued, revoked: readonly Issued[] = []): string {
  const dir = shortTempDir('crl');
  try {
    const cnf = '[ca]\ndefault_ca = own\n[own]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 30\n';
    writeFileSync(join(dir.path, 'ca.cnf'), cnf);
    writeFileSync(join(dir.path, 'index.txt'), '');
    writeFileSync(join(dir.path, 'crlnumber'), '01\n');
    writeFileSync(join(dir.path, 'ca.crt'), issuer.cert);
    writeFileSync(join(dir.path, 'ca.key'), issuer.key);
    const ca = ['ca', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key'];
    revoked.forEach((r, i) => {
      writeFileSync(join(dir.path, `r${i}.crt`), r.cert);
      openssl(dir.path, [...ca, '-revoke', `r${i}.crt`]);
    });
    openssl(dir.path, [...ca, '-gencrl', '-out', 'crl.pem']);
    return readFileSync(join(dir.path, 'crl.pem'), 'utf8');
  } finally {
    dir.remove();
  }
}
