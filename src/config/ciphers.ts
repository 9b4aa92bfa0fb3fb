/**
 * Mozilla's server-side TLS profiles (the names openshift-router's
 * ROUTER_CIPHERS accepts), as OpenSSL cipher strings for TLS <= 1.2.
 */
const MODERN = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];
const INTERMEDIATE = [...MODERN, 'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305'];
const OLD = [
  ...INTERMEDIATE,
  'ECDHE-ECDSA-AES128-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES256-SHA384',
  'ECDHE-RSA-AES256-SHA384',
  'ECDHE-ECDSA-AES256-SHA',
  'ECDHE-RSA-AES256-SHA',
  'DHE-RSA-AES128-SHA256',
  'DHE-RSA-AES256-SHA256',
  'AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-SHA256',
  'AES256-SHA256',
  'AES128-SHA',
  'AES256-SHA',
  'DES-CBC3-SHA',
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
