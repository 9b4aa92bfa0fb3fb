import { expect, test } from 'bun:test';
import { join } from 'node:path';
import { shortTempDir } from '../../test/support/workdir.ts';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { resolveCiphers } from './ciphers.ts';

test.each(['modern', 'intermediate', 'old'])('the %s profile is upstream\'s string, and haproxy takes it', async (name) => {
  const choice = resolveCiphers(name);
  if (!choice.ok) throw new Error(choice.error);
  // Upstream's intermediate lets TLS 1.2 clients in with CBC suites; its modern keeps the SHA-2 CBC ones.
  if (name === 'intermediate') expect(choice.ciphers.split(':')).toContain('ECDHE-ECDSA-AES128-SHA');
  if (name === 'modern') expect(choice.ciphers.split(':')).toContain('ECDHE-RSA-AES128-SHA256');
  const dir = shortTempDir();
  try {
    const leaf = makeSelfSignedLeaf({ dnsNames: ['x.example.com'] });
    await Bun.write(join(dir.path, 'x.pem'), `${leaf.cert}${leaf.key}`);
    const config = join(dir.path, 'haproxy.config');
    await Bun.write(config, ['global', `  ssl-default-bind-ciphers ${choice.ciphers}`, 'defaults', '  mode http', '  timeout client 1s', '  timeout server 1s', '  timeout connect 1s', 'frontend f', `  bind unix@${join(dir.path, 's.sock')} ssl crt ${join(dir.path, 'x.pem')}`, ''].join('\n'));
    const check = await checkConfig('haproxy', config);
    expect(check.output.filter((l) => l.startsWith('[ALERT]'))).toEqual([]);
    expect(check.ok).toBe(true);
  } finally {
    dir.remove();
  }
});
