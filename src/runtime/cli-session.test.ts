import { afterAll, describe, expect, test } from 'bun:test';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { FakeRuntimeSocket } from '../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { runCliSession } from './cli-session.ts';

const dir = shortTempDir('cli');
afterAll(() => dir.remove());
const opts = { idleTimeoutMs: 2000, windowBytes: 8192 };

/** A unix-socket server whose connection handling the test scripts; resolves once listening. */
async function scriptedServer(name: string, onConnection: (socket: Socket) => void) {
  const path = join(dir.path, name);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const close = () => {
    // Bun's server.close() waits for connections the peer already dropped.
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { path, close };
}

describe('runCliSession', () => {
  test('a batch is one connection in interactive mode, one reply per command', async () => {
    const fake = await FakeRuntimeSocket.start(join(dir.path, 'fake.sock'), [
      { name: 'b', dynamic: true, servers: [{ name: 's', addr: '10.0.0.1', port: 80, weight: 1, checkDeclared: false }] },
    ]);
    const replies = await runCliSession(fake.path, ['set server b/s weight 2', 'enable health b/s', 'frobnicate', 'del server b/s'], opts);
    expect(replies.slice(0, 2)).toEqual(['', 'Health check was not configured on this server, cannot enable.']);
    expect(replies[2]).toStartWith('Unknown command');
    expect(replies[3]).toBe('Only servers in maintenance mode can be deleted.');
    expect(fake.connections).toBe(1);
    await fake.stop();
  });

  test('never has more than the window of commands unanswered', async () => {
    let received = '';
    // Answers `prompt`, then nothing: the client must stop at its window and time out.
    const server = await scriptedServer('mute.sock', (socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        if (received === '' && d.startsWith('prompt\n')) socket.write('\n> ');
        received += d;
      });
    });
    const lines = Array.from({ length: 100 }, (_, i) => `set server b/s${i} weight 1`);
    await expect(runCliSession(server.path, lines, { idleTimeoutMs: 100, windowBytes: 100 })).rejects.toThrow(
      'no reply within 100 ms (0 of 100 commands answered)',
    );
    expect(received).toBe(`prompt\n${lines.slice(0, 4).join('\n')}\n`);
    await server.close();
  });

  test('a socket that closes before every reply came rejects, saying how far it got', async () => {
    const server = await scriptedServer('closer.sock', (socket) => socket.end('\n> \n> '));
    await expect(runCliSession(server.path, ['enable server b/s', 'enable server b/t'], opts)).rejects.toThrow(
      'the socket closed (1 of 2 commands answered)',
    );
    await server.close();
  });

  test('a missing socket rejects; nothing to send does not connect', async () => {
    const missing = join(dir.path, 'missing.sock');
    await expect(runCliSession(missing, ['show servers state'], opts)).rejects.toThrow(missing);
    expect(await runCliSession(missing, [], opts)).toEqual([]);
  });

  test('commands that would not fit the window or span lines are refused before connecting', async () => {
    const missing = join(dir.path, 'missing.sock');
    await expect(runCliSession(missing, ['x'.repeat(100)], { ...opts, windowBytes: 64 })).rejects.toThrow('exceeds the 64-byte window');
    await expect(runCliSession(missing, ['enable server b/s\ndisable server b/s'], opts)).rejects.toThrow('cannot span lines');
  });
});
