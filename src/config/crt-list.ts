import type { CrtListEntry } from './model.ts';

/**
 * The crt-list file name as the `fe_sni` bind line gives it. haproxy's
 * runtime API knows a crt-list by exactly that string (`show ssl crt-list`
 * lists `cert_config.map`, not an absolute path: `default-path config`
 * resolves it without rewriting it), so `add/del ssl crt-list` name it so.
 */
export const CRT_LIST_FILE = 'cert_config.map';

/**
 * One crt-list line, `<cert file> [ssl options] <sni filter>`: what the
 * rendered crt-list holds and what `add ssl crt-list` sends, from one
 * function, so a certificate added live is the one the next reload loads.
 */
export function crtListLine(entry: CrtListEntry): string {
  return `${entry.certFile}${entry.alpn ? ' [alpn h2,http/1.1]' : ''} ${entry.sni}`;
}
