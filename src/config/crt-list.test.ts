import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import type { ConfigModel, CrtListEntry } from './model.ts';
import { createRenderer } from './render.ts';
import { CRT_LIST_FILE, crtListLine } from './crt-list.ts';

const entries: CrtListEntry[] = [
  { certFile: '/c/cert-ns_a-0123456789abcdef.pem', sni: 'a.example.com', alpn: true },
  { certFile: '/c/cert-ns_w-0123456789abcdef.pem', sni: '*.example.com', alpn: false },
];

describe('crtListLine', () => {
  test('certificate file, ALPN when the certificate is not shared, then the SNI filter', () => {
    expect(entries.map(crtListLine)).toEqual(['/c/cert-ns_a-0123456789abcdef.pem [alpn h2,http/1.1] a.example.com', '/c/cert-ns_w-0123456789abcdef.pem *.example.com']);
  });

  test('is what the rendered crt-list holds, under the name the fe_sni bind line gives it', () => {
    const model: ConfigModel = {
      settings: settings(),
      backends: [],
      checks: [],
      maps: { 'os_http_be.map': [], 'os_http_be_prefix.map': [], 'os_edge_reencrypt_be.map': [], 'os_edge_reencrypt_be_prefix.map': [], 'os_http_be_hosts.map': [], 'os_edge_reencrypt_be_hosts.map': [], 'os_sni_passthrough.map': [] },
      matchRules: [],
      crtList: entries,
      sniFrontends: [],
      certificates: [],
      defaultCertificate: '',
    };
    const files = createRenderer(EMBEDDED_ASSETS)(model);
    expect(files.get(CRT_LIST_FILE)).toBe(entries.map((e) => `${crtListLine(e)}\n`).join(''));
    expect(files.get('haproxy.config')).toContain(` crt-list ${CRT_LIST_FILE} `);
  });
});
