import { describe, expect, test } from 'bun:test';
import { classifyReply, commandText, showServersStateText, type ReplyStatus, type RuntimeCommand } from './commands.ts';

const ref = { backend: 'be_http:ns:a', server: 'pod:a-1:a:http:10.0.0.1:8080' };

describe('commandText', () => {
  const cases: [RuntimeCommand, string][] = [
    [
      { kind: 'add-server', ...ref, address: '10.0.0.1:8080', options: 'weight 1 ssl alpn h2,http/1.1 verify none check inter 5000ms' },
      'add server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 10.0.0.1:8080 weight 1 ssl alpn h2,http/1.1 verify none check inter 5000ms',
    ],
    [{ kind: 'add-server', ...ref, address: '[fd00::1]:8080', options: '' }, 'add server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 [fd00::1]:8080'],
    [{ kind: 'enable-server', ...ref }, 'enable server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'enable-health', ...ref }, 'enable health be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'disable-health', ...ref }, 'disable health be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
    [{ kind: 'set-weight', ...ref, weight: 256 }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 weight 256'],
    [{ kind: 'set-maint', ...ref }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 state maint'],
    [{ kind: 'set-drain', ...ref }, 'set server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080 state drain'],
    [{ kind: 'del-server', ...ref }, 'del server be_http:ns:a/pod:a-1:a:http:10.0.0.1:8080'],
  ];
  for (const [command, text] of cases) {
    test(command.kind, () => expect(commandText(command)).toBe(text));
  }

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
  ];
  for (const [what, command] of refused) {
    test(`refuses ${what}`, () => expect(() => commandText(command)).toThrow('runtime command:'));
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
  ];
  for (const [kind, reply, status] of cases) {
    test(`${kind}: ${JSON.stringify(reply)} is ${status}`, () => {
      const command = (kind === 'set-weight' ? { kind, ...ref, weight: 1 } : kind === 'add-server' ? { kind, ...ref, address: 'a:1', options: '' } : { kind, ...ref }) as RuntimeCommand;
      expect(classifyReply(command, reply)).toBe(status);
    });
  }
});
