import { singleQuoted } from '../domain/http-header.ts';
import type { ClientCertificateOptions } from '../traffic-options.ts';

/**
 * The operator's client CA bundle and CRLs as every generation holds them
 * (read at start, beside haproxy.config): what haproxy verifies by is what
 * was checked at start, whatever happens to the operator's files later.
 */
export const CLIENT_CA_FILE = 'client-ca.pem';
export const CLIENT_CRL_FILE = 'client-crl.pem';

/** The verification options of the TLS-terminating binds; "" asks for no certificate. */
export function tlsBindVerify(client: ClientCertificateOptions | undefined): string {
  if (!client) return '';
  return ` verify ${client.verify} ca-file ${CLIENT_CA_FILE}${client.crlFile !== undefined ? ` crl-file ${CLIENT_CRL_FILE}` : ''}`;
}

/**
 * What the certificate tells the pods, as openshift-router's headers (set,
 * so they replace whatever a client sent), after the subject filter. The
 * `%{+Q}` flags are upstream's; haproxy applies them to log lines only, so
 * pods get the values unquoted, as from openshift-router.
 */
const CLIENT_HEADERS: readonly (readonly [string, string])[] = [
  ['X-SSL', '%[ssl_fc]'],
  ['X-SSL-Client-Verify', '%[ssl_c_verify]'],
  ['X-SSL-Client-Serial', '%{+Q}[ssl_c_serial,hex]'],
  ['X-SSL-Client-Version', '%{+Q}[ssl_c_version]'],
  ['X-SSL-Client-SHA1', '%{+Q}[ssl_c_sha1,hex]'],
  ['X-SSL-Client-DN', '%{+Q}[ssl_c_s_dn]'],
  ['X-SSL-Client-CN', '%{+Q}[ssl_c_s_dn(cn)]'],
  ['X-SSL-Issuer', '%{+Q}[ssl_c_i_dn]'],
  ['X-SSL-Client-NotBefore', '%{+Q}[ssl_c_notbefore]'],
  ['X-SSL-Client-NotAfter', '%{+Q}[ssl_c_notafter]'],
  ['X-SSL-Client-DER', '%{+Q}[ssl_c_der,base64]'],
];

/** Lines of the TLS-terminating frontends: a subject not matching the filter is denied (403), then the headers. */
export function clientCertificateLines(client: ClientCertificateOptions | undefined): string[] {
  if (!client) return [];
  return [
    ...(client.subjectFilter !== undefined ? [`http-request deny unless { ssl_c_s_dn -m reg ${singleQuoted(client.subjectFilter)} }`] : []),
    ...CLIENT_HEADERS.map(([name, value]) => `http-request set-header ${name} ${value}`),
  ];
}
