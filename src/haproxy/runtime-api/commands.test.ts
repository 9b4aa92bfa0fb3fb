import { describe, expect, test } from 'bun:test';
import { classifyReply, commandRequest, showServersStateText, type ReplyStatus } from './commands.ts';
import { setSslCertRequest } from '../../plan/cli-requests.ts';
import type { RuntimeCommand } from '../../plan/commands.ts';

const ref = { backend: 'be_http:ns:a', server: 'pod:a-1:a:http:10.0.0.1:8080' };

describe('commandRequest', () => {
  const cases: [RuntimeCommand, string][] = [
    [
      { kind: 'add-server', ...ref, address: '10.0.0.1:8080', options: 'weight 1 ssl alpn h2,http/1.1 verify none check inter 5000ms' },
      'add server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 10.0.0.1:8080 weight 1 ssl alpn h2,http/1.1 verify none check inter 5000ms',
    ],
    [{ kind: 'add-server', ...ref, address: '[fd00::1]:8080', options: '' }, 'add server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 [fd00::1]:8080'],
    [{ kind: 'enable-server', ...ref }, 'enable server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'enable-health', ...ref }, 'enable health be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'disable-health', ...ref }, 'disable health be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'set-health-up', backend: 'be_checks', server: 'chk1' }, 'set server be_checks/chk1 health up'],
    [{ kind: 'set-addr', backend: 'be_checks', server: 'chk1', ip: 'fd00::1', port: 8443 }, 'set server be_checks/chk1 addr fd00::1 port 8443'],
    [{ kind: 'set-weight', ...ref, weight: 256 }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 weight 256'],
    [{ kind: 'set-maxconn', ...ref, maxconn: 20 }, 'set maxconn server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 20'],
    [{ kind: 'set-maxconn-global', maxconn: 2572 }, 'set maxconn global 2572'],
    [{ kind: 'set-maint', ...ref }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 state maint'],
    [{ kind: 'set-drain', ...ref }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 state drain'],
    [{ kind: 'del-server', ...ref }, 'del server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'set-dynamic-cookie-key', backend: 'be_http:ns:a', key: '0123abcd' }, 'set dynamic-cookie-key backend be_http:ns:a 0123abcd'],
    [{ kind: 'enable-dynamic-cookie', backend: 'be_http:ns:a' }, 'enable dynamic-cookie backend be_http:ns:a'],
    [{ kind: 'new-ssl-ca-file', caFile: '/c/destca-ns_a-0123456789abcdef.pem' }, 'new ssl ca-file /c/destca-ns_a-0123456789abcdef.pem'],
    [{ kind: 'commit-ssl-ca-file', caFile: '/c/destca-ns_a-0123456789abcdef.pem' }, 'commit ssl ca-file /c/destca-ns_a-0123456789abcdef.pem'],
  ];
  for (const [command, text] of cases) {
    test(command.kind, () => expect(commandRequest(command)).toEqual({ line: text }));
  }

  test("a map value's `;` is escaped, so an HSTS value stays one argument of one command", () => {
    expect(commandRequest({ kind: 'set-map', map: 'hsts.map', key: 'be_edge_http:ns:a', value: 'max-age=1;preload' })).toEqual({
      line: 'set map hsts.map be_edge_http:ns:a max-age=1\\;preload',
    });
    for (const value of ['a b', 'a\nb', 'a\\;b', ''])
      expect(() => commandRequest({ kind: 'add-map', map: 'hsts.map', key: 'k', value })).toThrow('runtime command: unsafe map value');
  });

  test("a map key's `;` (a route path's) is escaped in every map command; a space, a backslash or a control character is refused", () => {
    const key = 's.example.com/a;v=1';
    expect(commandRequest({ kind: 'add-map', map: 'os_http_be.map', key, value: 'be_http:ns:s' })).toEqual({ line: 'add map os_http_be.map s.example.com/a\\;v=1 be_http:ns:s' });
    expect(commandRequest({ kind: 'set-map', map: 'os_http_be.map', key, value: 'be_http:ns:t' })).toEqual({ line: 'set map os_http_be.map s.example.com/a\\;v=1 be_http:ns:t' });
    expect(commandRequest({ kind: 'del-map', map: 'os_http_be.map', key })).toEqual({ line: 'del map os_http_be.map s.example.com/a\\;v=1' });
    for (const bad of ['a b', 'a\nb', 'a\\;b', ''])
      expect(() => commandRequest({ kind: 'del-map', map: 'os_http_be.map', key: bad })).toThrow('runtime command: unsafe map key');
  });

  test('a cookie key that would split the command is refused', () => {
    expect(() => commandRequest({ kind: 'set-dynamic-cookie-key', backend: 'be_http:ns:a', key: 'a b' })).toThrow('runtime command: unsafe cookie key');
  });

  const file = '/var/lib/router/certs/cert-ns_a-0123456789abcdef.pem';
  const pem = '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n';
  const certificateCases: [RuntimeCommand, { line: string; payload?: string[] }][] = [
    [{ kind: 'new-ssl-cert', certFile: file }, { line: `new ssl cert ${file}` }],
    [
      { kind: 'set-ssl-cert', certFile: file, pem },
      { line: `set ssl cert ${file}`, payload: ['-----BEGIN PRIVATE KEY-----', 'KEY', '-----END PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----', 'CERT', '-----END CERTIFICATE-----'] },
    ],
    [{ kind: 'commit-ssl-cert', certFile: file }, { line: `commit ssl cert ${file}` }],
    [
      { kind: 'add-crt-list', crtList: 'cert_config.map', entries: [{ certFile: file, sni: 'a.example.com', alpn: true }] },
      { line: 'add ssl crt-list cert_config.map', payload: [`${file} [alpn h2,http/1.1] a.example.com`] },
    ],
    [
      { kind: 'add-crt-list', crtList: 'cert_config.map', entries: [{ certFile: file, sni: '*.example.com', alpn: false }] },
      { line: 'add ssl crt-list cert_config.map', payload: [`${file} *.example.com`] },
    ],
    [
      {
        kind: 'add-crt-list',
        crtList: 'cert_config.map',
        entries: [
          { certFile: file, sni: 'a.example.com', alpn: false },
          { certFile: file, sni: 'b.example.com', alpn: false },
        ],
      },
      { line: 'add ssl crt-list cert_config.map', payload: [`${file} a.example.com b.example.com`] },
    ],
    [
      { kind: 'del-crt-list', crtList: 'cert_config.map', entry: { certFile: file, sni: 'a.example.com', alpn: false }, line: 7 },
      { line: `del ssl crt-list cert_config.map ${file}:7` },
    ],
    [{ kind: 'del-ssl-cert', certFile: file }, { line: `del ssl cert ${file}` }],
  ];
  for (const [command, request] of certificateCases) {
    const detail = command.kind === 'add-crt-list' ? `${command.entries[0]?.alpn ? ' with ALPN' : ''}${command.entries.length > 1 ? `, ${command.entries.length} SNIs` : ''}` : '';
    test(`${command.kind}${detail}`, () => expect(commandRequest(command)).toEqual(request));
  }

  test('a PEM loses its blank lines and carriage returns, which would end the payload early', () => {
    const crlf = '\r\n-----BEGIN CERTIFICATE-----\r\nA\r\n-----END CERTIFICATE-----\r\n\r\n  \n-----BEGIN CERTIFICATE-----\nB\n-----END CERTIFICATE-----\n\n';
    expect(commandRequest({ kind: 'set-ssl-cert', certFile: file, pem: crlf }).payload).toEqual([
      '-----BEGIN CERTIFICATE-----',
      'A',
      '-----END CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----',
      'B',
      '-----END CERTIFICATE-----',
    ]);
  });

  test('setSslCertRequest is the set-ssl-cert request, for sizing before the name is checked', () => {
    expect(setSslCertRequest(file, pem)).toEqual(commandRequest({ kind: 'set-ssl-cert', certFile: file, pem }));
  });

  const refused: [string, RuntimeCommand][] = [
    ['a space in a backend', { kind: 'enable-server', backend: 'be a', server: 's' }],
    ['a semicolon in a server', { kind: 'enable-server', backend: 'b', server: 's;shutdown sessions server b/t' }],
    ['a newline in a server', { kind: 'del-server', backend: 'b', server: 's\ndel server b/t' }],
    ['a slash in a server', { kind: 'del-server', backend: 'b', server: 'x/y' }],
    ['an empty server', { kind: 'set-maint', backend: 'b', server: '' }],
    ['a space in an address', { kind: 'add-server', backend: 'b', server: 's', address: '10.0.0.1:80 backup', options: '' }],
    ['a semicolon in the options', { kind: 'add-server', backend: 'b', server: 's', address: '10.0.0.1:80', options: 'weight 1; del server b/t' }],
    ['a newline in the options', { kind: 'add-server', backend: 'b', server: 's', address: '10.0.0.1:80', options: 'weight 1\ndel server b/t' }],
    ['a weight above 256', { kind: 'set-weight', backend: 'b', server: 's', weight: 257 }],
    ['a fractional weight', { kind: 'set-weight', backend: 'b', server: 's', weight: 1.5 }],
    ['port 0', { kind: 'set-addr', backend: 'b', server: 's', ip: '10.0.0.1', port: 0 }],
    ['a space in an address', { kind: 'set-addr', backend: 'b', server: 's', ip: '10.0.0.1 port 1', port: 80 }],
    ['a space in a certificate file', { kind: 'new-ssl-cert', certFile: '/c/a b.pem' }],
    ['a semicolon in a certificate file', { kind: 'del-ssl-cert', certFile: '/c/a.pem;shutdown sessions server b/s' }],
    ['a colon in a certificate file to delete from a crt-list', { kind: 'del-crt-list', crtList: 'l', entry: { certFile: '/c/cert-ns:a.pem', sni: 'a', alpn: false }, line: 1 }],
    ['a space in a crt-list name', { kind: 'del-crt-list', crtList: 'a b', entry: { certFile: '/c/a.pem', sni: 'a', alpn: false }, line: 1 }],
    ['a crt-list line number 0', { kind: 'del-crt-list', crtList: 'l', entry: { certFile: '/c/a.pem', sni: 'a', alpn: false }, line: 0 }],
    ['a fractional crt-list line number', { kind: 'del-crt-list', crtList: 'l', entry: { certFile: '/c/a.pem', sni: 'a', alpn: false }, line: 1.5 }],
    ['a space in an SNI', { kind: 'add-crt-list', crtList: 'l', entries: [{ certFile: '/c/a.pem', sni: 'a.example.com b.example.com', alpn: false }] }],
    ['a newline in an SNI', { kind: 'add-crt-list', crtList: 'l', entries: [{ certFile: '/c/a.pem', sni: 'a.example.com\n', alpn: false }] }],
    ['a newline in the second SNI of a line', { kind: 'add-crt-list', crtList: 'l', entries: [{ certFile: '/c/a.pem', sni: 'a.example.com', alpn: false }, { certFile: '/c/a.pem', sni: 'b\n', alpn: false }] }],
    ['entries of two certificate files on one line', { kind: 'add-crt-list', crtList: 'l', entries: [{ certFile: '/c/a.pem', sni: 'a', alpn: false }, { certFile: '/c/b.pem', sni: 'b', alpn: false }] }],
    ['a line without entries', { kind: 'add-crt-list', crtList: 'l', entries: [] }],
    ['a global connection limit of 0 (haproxy reads it as the loaded one)', { kind: 'set-maxconn-global', maxconn: 0 }],
  ];
  for (const [what, command] of refused) {
    test(`refuses ${what}`, () => expect(() => commandRequest(command)).toThrow('runtime command:'));
  }

  test('show servers state, of all backends or one', () => {
    expect(showServersStateText()).toBe('show servers state');
    expect(showServersStateText('be_http:ns:a')).toBe('show servers state be_http:ns:a');
    expect(() => showServersStateText('a;b')).toThrow('unsafe backend');
  });
});

describe('classifyReply', () => {
  const cases: [RuntimeCommand['kind'], string, ReplyStatus][] = [
    ['add-server', 'New server registered.', 'ok'],
    ['add-server', 'Already exists a server with the same name in backend.', 'failed'],
    ['add-server', '', 'failed'],
    ['del-server', 'Server deleted.', 'ok'],
    ['del-server', 'Server still has connections attached to it, cannot remove it.', 'busy'],
    ['del-server', 'Only servers in maintenance mode can be deleted.', 'failed'],
    ['set-weight', '', 'ok'],
    ['set-weight', 'No such server.', 'failed'],
    ['enable-health', 'Health check was not configured on this server, cannot enable.', 'failed'],
    ['set-maint', '', 'ok'],
    ['enable-dynamic-cookie', '', 'ok'],
    ['enable-dynamic-cookie', 'No such backend.', 'failed'],
    ['set-dynamic-cookie-key', '', 'ok'],
  ];
  for (const [kind, reply, status] of cases) {
    test(`${kind}: ${JSON.stringify(reply)} is ${status}`, () => {
      const command = (
        kind === 'set-weight'
          ? { kind, ...ref, weight: 1 }
          : kind === 'add-server'
            ? { kind, ...ref, address: 'a:1', options: '' }
            : kind === 'set-dynamic-cookie-key'
              ? { kind, backend: ref.backend, key: 'k' }
              : { kind, ...ref }
      ) as RuntimeCommand;
      expect(classifyReply(command, reply)).toBe(status);
    });
  }
});

describe('classifyReply for set-addr (haproxy 2.6.12 texts)', () => {
  const to = (ip: string, port: number): RuntimeCommand => ({ kind: 'set-addr', backend: 'be_checks', server: 'chk1', ip, port });
  test.each<[RuntimeCommand, string, ReplyStatus]>([
    [to('127.0.0.1', 18102), "IP changed from '0.0.0.0' to '127.0.0.1', port changed from '+0' to '18102' by 'stats socket command'", 'ok'],
    [to('::1', 18102), "IP changed from '127.0.0.1' to '::1', port changed from '1' to '18102' by 'stats socket command'", 'ok'],
    [to('127.0.0.1', 18101), "no need to change the addr, port changed from '18102' to '18101' by 'stats socket command'", 'ok'],
    [to('127.0.0.1', 18102), "no need to change the addr, no need to change the port by 'stats socket command'", 'ok'],
    [to('127.0.0.1', 18102), "IP changed from '0.0.0.0' to '10.9.9.9', port changed from '+0' to '18102' by 'stats socket command'", 'failed'],
    [to('127.0.0.1', 18102), "IP changed from '0.0.0.0' to '127.0.0.1' by 'stats socket command'", 'failed'],
    [to('127.0.0.1', 18102), "Invalid addr '127.0.0.1' by 'stats socket command'", 'failed'],
    [to('127.0.0.1', 18102), 'No such server.', 'failed'],
  ])('%j: %s', (command, reply, status) => expect(classifyReply(command, reply)).toBe(status));
});

describe('classifyReply for certificate commands (haproxy 2.6.12 texts)', () => {
  const file = '/c/cert-ns_a-0123456789abcdef.pem';
  const other = '/c/cert-ns_b-fedcba9876543210.pem';
  const entry = { certFile: file, sni: 'a.example.com', alpn: true };
  const cases: [RuntimeCommand, string, ReplyStatus][] = [
    [{ kind: 'new-ssl-cert', certFile: file }, `New empty certificate store '${file}'!`, 'ok'],
    [{ kind: 'new-ssl-cert', certFile: file }, `Certificate '${file}' already exists!`, 'failed'],
    [{ kind: 'set-ssl-cert', certFile: file, pem: 'x' }, `Transaction created for certificate ${file}!`, 'ok'],
    // Another certificate's transaction was still open: haproxy 2.6 put this payload into that one.
    [{ kind: 'set-ssl-cert', certFile: file, pem: 'x' }, `Transaction updated for certificate ${other}!`, 'failed'],
    [{ kind: 'set-ssl-cert', certFile: file, pem: 'x' }, `unable to load certificate from file '${file}'.\nCan't load the payload\nCan't update ${file}!`, 'failed'],
    [{ kind: 'commit-ssl-cert', certFile: file }, `Committing ${file}\nSuccess!`, 'ok'],
    // A certificate two binds load (the default one): a dot for each.
    [{ kind: 'commit-ssl-cert', certFile: file }, `Committing ${file}..\nSuccess!`, 'ok'],
    [{ kind: 'commit-ssl-cert', certFile: file }, `Committing ${file}.x\nSuccess!`, 'failed'],
    [{ kind: 'commit-ssl-cert', certFile: file }, `Committing ${file}-other\nSuccess!`, 'failed'],
    [{ kind: 'commit-ssl-cert', certFile: file }, `No ongoing transaction! !\nCan't commit ${file}!`, 'failed'],
    [{ kind: 'new-ssl-ca-file', caFile: file }, `New CA file created '${file}'!`, 'ok'],
    // Loading a CA file again is how the planner makes sure it is there.
    [{ kind: 'new-ssl-ca-file', caFile: file }, `CA file '${file}' already exists!`, 'ok'],
    [{ kind: 'set-ssl-ca-file', caFile: file, pem: 'x' }, `transaction created for CA ${file}!`, 'ok'],
    [{ kind: 'set-ssl-ca-file', caFile: file, pem: 'x' }, `Invalid payload\nCan't update ${file}!`, 'failed'],
    [{ kind: 'commit-ssl-ca-file', caFile: file }, `Committing ${file}\nSuccess!`, 'ok'],
    [{ kind: 'commit-ssl-ca-file', caFile: file }, `No ongoing transaction! !\nCan't commit ${file}!`, 'failed'],
    [{ kind: 'add-crt-list', crtList: 'cert_config.map', entries: [entry] }, `Inserting certificate '${file}' in crt-list 'cert_config.map'.\nSuccess!`, 'ok'],
    [{ kind: 'add-crt-list', crtList: 'cert_config.map', entries: [entry] }, `Can't edit the crt-list: certificate '${file}' is empty!`, 'failed'],
    [{ kind: 'del-crt-list', crtList: 'cert_config.map', entry, line: 3 }, `Entry '${file}' deleted in crtlist 'cert_config.map'!`, 'ok'],
    [{ kind: 'del-crt-list', crtList: 'cert_config.map', entry, line: 3 }, `Can't delete the entry: certificate '${file}' can't be found in crt-list 'cert_config.map'!`, 'failed'],
    [{ kind: 'del-ssl-cert', certFile: file }, `Certificate '${file}' deleted!`, 'ok'],
    [{ kind: 'del-ssl-cert', certFile: file }, `Can't remove the certificate: certificate '${file}' in use, can't be deleted!`, 'failed'],
    [{ kind: 'del-ssl-cert', certFile: file }, `Certificate '${other}' deleted!`, 'failed'],
  ];
  for (const [command, reply, status] of cases) {
    test(`${command.kind}: ${JSON.stringify(reply.replaceAll(file, '<file>'))} is ${status}`, () => expect(classifyReply(command, reply)).toBe(status));
  }
});
