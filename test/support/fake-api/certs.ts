import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM material for a TLS test: a CA, a server pair for 127.0.0.1/localhost and a client pair, both signed by the CA. */
export interface TestCerts {
  ca: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** The `openssl` binary on PATH, or a clear error: the TLS tests cannot run without it. */
function opensslPath(): string {
  const path = Bun.which('openssl');
  if (!path) throw new Error('openssl is not installed: TLS test certificates cannot be generated (apt-get install openssl)');
  return path;
}

async function run(openssl: string, args: string[], cwd: string): Promise<void> {
  const proc = Bun.spawn([openssl, ...args], { cwd, stdout: 'ignore', stderr: 'pipe' });
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`openssl ${args[0]} failed (${code}): ${stderr.trim()}`);
}

/** Issues a leaf certificate signed by the CA in `dir`; `ext` holds the v3 extensions that make it usable for its role. */
async function issue(openssl: string, dir: string, name: string, subject: string, ext: string): Promise<void> {
  writeFileSync(join(dir, `${name}.ext`), ext);
  await run(openssl, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
  await run(openssl, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`], dir);
}

/**
 * Generates fresh test PKI with the `openssl` CLI in a temp dir (removed afterwards).
 * EC keys keep generation fast; lifetimes are short since the material is throwaway.
 */
export async function generateTestCerts(): Promise<TestCerts> {
  const openssl = opensslPath();
  const dir = mkdtempSync(join(tmpdir(), 'fake-api-pki-'));
  try {
    await run(openssl, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=fake-api-ca',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    await issue(openssl, dir, 'server', '/CN=127.0.0.1',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
    await issue(openssl, dir, 'client', '/CN=system:router',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    return {
      ca: read('ca.crt'), caKey: read('ca.key'),
      serverCert: read('server.crt'), serverKey: read('server.key'),
      clientCert: read('client.crt'), clientKey: read('client.key'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
