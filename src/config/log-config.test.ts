import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { makeSelfSignedLeaf } from '../../test/support/certs.ts';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { checkConfig } from '../haproxy/check-config.ts';
import { writeTicketKeys } from '../haproxy/ticket-keys.ts';
import type { HaproxyLogOptions } from '../options.ts';
import { buildConfigModel } from './build-model.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { haproxyWord, HTTP_LOG_FORMAT, logConfig, TCP_LOG_FORMAT, type LogConfig } from './log-config.ts';
import { createRenderer } from './render.ts';

const NONE: HaproxyLogOptions = settings().logging;
const log = (more: Partial<HaproxyLogOptions>): HaproxyLogOptions => ({ ...NONE, ...more });
const OUTPUT = log({ target: { kind: 'output' }, level: 'info' });
const SYSLOG = log({ target: { kind: 'syslog', address: '127.0.0.1:514' }, level: 'info', facility: 'local2', maxLength: 2048 });
const QUOTED = '"%ci %b %ST \\"%r\\""';

describe('logConfig', () => {
  test.each<[string, HaproxyLogOptions, LogConfig]>([
    ['no target (upstream without ROUTER_SYSLOG_ADDRESS)', NONE, { global: [], defaults: [], tlsFrontend: [], httpFrontend: [] }],
    [
      'syslog, as upstream',
      SYSLOG,
      { global: ['log 127.0.0.1:514 len 2048 local2 info', 'log-send-hostname'], defaults: ['option httplog'], tlsFrontend: ['option tcplog'], httpFrontend: [] },
    ],
    [
      "syslog with the operator's format",
      { ...SYSLOG, format: QUOTED },
      { global: ['log 127.0.0.1:514 len 2048 local2 info', 'log-send-hostname'], defaults: [`log-format ${QUOTED}`], tlsFrontend: ['option tcplog'], httpFrontend: [] },
    ],
    [
      "the router's output: the same formats, behind the mark and the backend",
      OUTPUT,
      {
        global: ['log stdout len 1024 format raw local1 info'],
        defaults: [`log-format "@access %pid %b ${HTTP_LOG_FORMAT}"`],
        tlsFrontend: [`log-format "@access %pid %b ${TCP_LOG_FORMAT}"`],
        httpFrontend: [],
      },
    ],
    [
      "the router's output with the operator's format",
      { ...OUTPUT, format: QUOTED },
      expect.objectContaining({ defaults: [`log-format "@access %pid %b "${QUOTED}`] }) as unknown as LogConfig,
    ],
    [
      'options and a request ID',
      log({ dontLogNull: true, httpIgnoreProbes: true, uniqueId: { format: '"%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid"', header: 'X-Request-ID' } }),
      {
        global: [],
        defaults: ['option dontlognull'],
        tlsFrontend: [],
        httpFrontend: ['option http-ignore-probes', 'unique-id-format "%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid"', 'unique-id-header X-Request-ID'],
      },
    ],
  ])('%s', (_what, options, want) => {
    expect(logConfig(options)).toEqual(want);
  });
});

describe('haproxyWord', () => {
  test.each([
    ['%ci %b %ST', '"%ci %b %ST"'],
    ['"%ci %b \\"%r\\""', '"%ci %b \\"%r\\""'],
    ["'%ci %b'", "'%ci %b'"],
    ['%ci\\ %b', '%ci\\ %b'],
    ['%ci', '"%ci"'],
  ])('%s -> %s', (text, want) => {
    expect(haproxyWord(text)).toBe(want);
  });
});

describe('haproxy accepts the log configuration', () => {
  const dir = shortTempDir();
  afterAll(() => dir.remove());
  const serving = makeSelfSignedLeaf({ dnsNames: ['e.example.com'] });

  test.each<[string, HaproxyLogOptions]>([
    ['syslog', { ...SYSLOG, format: QUOTED, dontLogNull: true, httpIgnoreProbes: true }],
    ['output', { ...OUTPUT, uniqueId: { format: '"%{+X}o %ci:%cp_%fi:%fp_%Ts_%rt:%pid"', header: 'X-Request-ID' } }],
    ["output with the operator's format", { ...OUTPUT, format: QUOTED }],
    ['a format and a request ID written without quotes', { ...OUTPUT, format: '%ci:%cp %b %ST %{+Q}r', uniqueId: { format: '%{+X}o %ci:%cp_%Ts', header: 'X-Request-ID' } }],
  ])('%s', async (name, logging) => {
    const sub = join(dir.path, name.replaceAll(' ', '-').replaceAll("'", ''));
    const base = settings();
    const model = buildConfigModel({
      routes: [
        route({ name: 'a', host: 'a.example.com' }),
        route({ name: 'e', host: 'e.example.com', tls: routeTls('edge', { certificate: serving.cert, key: serving.key }) }),
        route({ name: 'p', host: 'p.example.com', tls: routeTls('passthrough') }),
      ],
      slices: [slice('a', ['10.0.0.1']), slice('e', ['10.0.0.2']), slice('p', ['10.0.0.3'])],
      settings: settings({ logging, certDir: sub, adminSocketPath: join(sub, 'admin.sock'), tls: { ...base.tls, ticketKeysPath: await writeTicketKeys(dir.path) } }),
      allowAddress: () => true,
      defaultCertificate: `${serving.key}${serving.cert}`,
    });
    const files = createRenderer(EMBEDDED_ASSETS)(model);
    for (const [file, text] of files) await Bun.write(join(sub, file), text);
    for (const cert of model.certificates) await Bun.write(join(sub, cert.name), cert.pem);
    const result = await checkConfig('haproxy', join(sub, 'haproxy.config'));
    expect(result.output).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
