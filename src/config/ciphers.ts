/**
 * The cipher strings openshift-router writes for the names ROUTER_CIPHERS
 * accepts (Mozilla's server-side TLS profiles of its time), verbatim from
 * its images/router/haproxy/conf/haproxy-config.template: TLS 1.2 clients
 * that one profile lets in are let in here too.
 */
const MODERN = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
];
const INTERMEDIATE = [
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES128-SHA',
  'DHE-RSA-AES256-SHA256',
  'DHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-DES-CBC3-SHA',
  'ECDHE-RSA-DES-CBC3-SHA',
  'EDH-RSA-DES-CBC3-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
  '!DSS',
];
const OLD = [
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-DSS-AES128-GCM-SHA256',
  'kEDH+AESGCM',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA',
  'ECDHE-ECDSA-AES256-SHA',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES128-SHA',
  'DHE-DSS-AES128-SHA256',
  'DHE-RSA-AES256-SHA256',
  'DHE-DSS-AES256-SHA',
  'DHE-RSA-AES256-SHA',
  'ECDHE-RSA-DES-CBC3-SHA',
  'ECDHE-ECDSA-DES-CBC3-SHA',
  'EDH-RSA-DES-CBC3-SHA',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
  'AES',
  'DES-CBC3-SHA',
  'HIGH',
  'SEED',
  '!aNULL',
  '!eNULL',
  '!EXPORT',
  '!DES',
  '!RC4',
  '!MD5',
  '!PSK',
  '!RSAPSK',
  '!aDH',
  '!aECDH',
  '!EDH-DSS-DES-CBC3-SHA',
  '!KRB5-DES-CBC3-SHA',
  '!SRP',
];
const PROFILES: Record<string, string> = { modern: MODERN.join(':'), intermediate: INTERMEDIATE.join(':'), old: OLD.join(':') };

/** OpenSSL cipher-string characters; anything else could break the config line. */
const CIPHER_LIST = /^[A-Za-z0-9_+!:@=.-]+$/;

export type CipherChoice = { ok: true; ciphers: string; dhParamBits: number } | { ok: false; error: string };

/** Resolves `--ciphers`: a profile name, or an explicit colon-separated list (validated, never free text). */
export function resolveCiphers(value: string): CipherChoice {
  const profile = PROFILES[value];
  if (profile) return { ok: true, ciphers: profile, dhParamBits: value === 'old' ? 1024 : 2048 };
  if (!CIPHER_LIST.test(value)) {
    return { ok: false, error: `invalid value "${value}" (want modern, intermediate, old or an OpenSSL cipher list)` };
  }
  return { ok: true, ciphers: value, dhParamBits: 2048 };
}
