import { describe, expect, test } from 'bun:test';
import type { ServerTls } from './model.ts';
import { serverLine, serverOptions } from './server-line.ts';

const server = { name: 'ept:svc:http:10.0.0.1:8080', ip: '10.0.0.1', port: 8080, weight: 3 };
const verified: ServerTls = { verify: 'required', caFile: '/certs/ca.pem', verifyHost: 'svc.ns.svc', alpn: true };

describe('serverOptions', () => {
  test.each([
    ['plain', { serverTls: undefined, serverMaxConn: undefined }, 'chk1', 'weight 3 track be_checks_0/chk1 pool-max-conn -1 pool-purge-delay 5s'],
    ['a slot of the second check backend, with maxconn', { serverTls: undefined, serverMaxConn: 50 }, 'chk65', 'weight 3 track be_checks_1/chk65 maxconn 50 pool-max-conn -1 pool-purge-delay 5s'],
    [
      'TLS verified by a CA and host, HTTP/2 offered',
      { serverTls: verified, serverMaxConn: undefined },
      'chk2',
      'weight 3 ssl alpn h2,http/1.1 verifyhost svc.ns.svc verify required ca-file /certs/ca.pem track be_checks_0/chk2 pool-max-conn -1 pool-purge-delay 5s',
    ],
    [
      'TLS verified by a CA alone',
      { serverTls: { ...verified, verifyHost: undefined, alpn: false }, serverMaxConn: undefined },
      'chk2',
      'weight 3 ssl verify required ca-file /certs/ca.pem track be_checks_0/chk2 pool-max-conn -1 pool-purge-delay 5s',
    ],
    ['TLS not verified', { serverTls: { verify: 'none', alpn: false } as ServerTls, serverMaxConn: undefined }, 'chk3', 'weight 3 ssl verify none track be_checks_0/chk3 pool-max-conn -1 pool-purge-delay 5s'],
  ])('%s', (_, backend, track, options) => {
    expect(serverOptions(backend, server, track)).toBe(options);
    expect(serverLine(backend, server, track)).toBe(`ept:svc:http:10.0.0.1:8080 10.0.0.1:8080 ${options}`);
  });
});
