import { afterAll, describe, expect, test } from 'bun:test';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { FakeRuntimeSocket } from '../../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../../test/support/workdir.ts';
import { fitsCliBuffer, requestHead, type CliRequest } from '../../plan/cli-requests.ts';
import { CliSession, runCliSession } from './cli-session.ts';

const dir = shortTempDir('cli');
afterAll(() => dir.remove());
const opts = { idleTimeoutMs: 2000, windowBytes: 8192, bufSize: 16384 };
const lines = (...texts: string[]): CliRequest[] => texts.map((line) => ({ line }));

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

/** Records what arrives; answers `prompt` with the prompt and then nothing, so the client stops at its window. */
async function muteServer(name: string) {
  let received = '';
  const server = await scriptedServer(name, (socket) => {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      if (received === '' && d.startsWith('prompt\n')) socket.write('\n> ');
      received += d;
    });
  });
  return { ...server, received: () => received };
}

describe('runCliSession', () => {
  test('a batch is one connection in interactive mode, one reply per command', async () => {
    const fake = await FakeRuntimeSocket.start(join(dir.path, 'fake.sock'), [
      { name: 'b', dynamic: true, servers: [{ name: 's', addr: '10.0.0.1', port: 80, weight: 1, checkDeclared: false }] },
    ]);
    const replies = await runCliSession(fake.path, lines('set server b/s weight 2', 'enable health b/s', 'frobnicate', 'del server b/s'), opts);
    expect(replies.slice(0, 2)).toEqual(['', 'Health check was not configured on this server, cannot enable.']);
    expect(replies[2]).toStartWith('Unknown command');
    expect(replies[3]).toBe('Only servers in maintenance mode can be deleted.');
    expect(fake.connections).toBe(1);
    await fake.stop();
  });

  test('never has more than the window of commands unanswered', async () => {
    const server = await muteServer('mute.sock');
    const batch = lines(...Array.from({ length: 100 }, (_, i) => `set server b/s${i} weight 1`));
    await expect(runCliSession(server.path, batch, { ...opts, idleTimeoutMs: 100, windowBytes: 100 })).rejects.toThrow(
      'no reply within 100 ms (0 of 100 commands answered)',
    );
    expect(server.received()).toBe(`prompt\n${batch.slice(0, 4).map((r) => `${r.line}\n`).join('')}`);
    await server.close();
  });

  test('a request larger than the window is sent alone', async () => {
    const server = await muteServer('alone.sock');
    const big: CliRequest = { line: 'set ssl cert /c/a.pem', payload: ['x'.repeat(80), 'y'.repeat(80)] };
    await expect(runCliSession(server.path, [big, { line: 'show ssl cert' }], { ...opts, idleTimeoutMs: 100, windowBytes: 64 })).rejects.toThrow('0 of 2');
    expect(server.received()).toBe(`prompt\nset ssl cert /c/a.pem <<\n${'x'.repeat(80)}\n${'y'.repeat(80)}\n\n`);
    await server.close();
  });

  test("a payload is sent after `<<` and ended by an empty line; haproxy's continuation prompts are not part of the reply", async () => {
    let received = '';
    // As haproxy 2.6 answers in interactive mode: one `+ ` for the `<<` line and one per payload line, then the reply.
    const server = await scriptedServer('payload.sock', (socket) => {
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        if (received === '') socket.write('\n> ');
        received += d;
        if (received.endsWith('\n\nshow ssl cert\n')) socket.write("+ + + Transaction created for certificate /c/a.pem!\n\n> # filename\n/c/a.pem\n\n> ");
      });
    });
    const replies = await runCliSession(server.path, [{ line: 'set ssl cert /c/a.pem', payload: ['-----BEGIN X-----', '-----END X-----'] }, { line: 'show ssl cert' }], opts);
    expect(received).toBe('prompt\nset ssl cert /c/a.pem <<\n-----BEGIN X-----\n-----END X-----\n\nshow ssl cert\n');
    expect(replies).toEqual(['Transaction created for certificate /c/a.pem!', '# filename\n/c/a.pem']);
    await server.close();
  });

  test('a socket that closes before every reply came rejects, saying how far it got', async () => {
    const server = await scriptedServer('closer.sock', (socket) => socket.end('\n> \n> '));
    await expect(runCliSession(server.path, lines('enable server b/s', 'enable server b/t'), opts)).rejects.toThrow(
      'the socket closed (1 of 2 commands answered)',
    );
    await server.close();
  });

  test('a missing socket rejects; nothing to send does not connect', async () => {
    const missing = join(dir.path, 'missing.sock');
    await expect(runCliSession(missing, lines('show servers state'), opts)).rejects.toThrow(missing);
    expect(await runCliSession(missing, [], opts)).toEqual([]);
  });

  test('requests haproxy could not frame as one command are refused before connecting', async () => {
    const missing = join(dir.path, 'missing.sock');
    const refused: [CliRequest, string][] = [
      [{ line: 'enable server b/s\ndisable server b/s' }, 'cannot span lines'],
      [{ line: 'add map m.map <<' }, 'cannot end with <<'],
      [{ line: 'set ssl cert /c/a.pem', payload: ['a', '', 'shutdown sessions server b/s'] }, 'would end or break the payload'],
      [{ line: 'set ssl cert /c/a.pem', payload: ['a', '\r'] }, 'would end or break the payload'],
      [{ line: 'set ssl cert /c/a.pem', payload: ['a\nb'] }, 'would end or break the payload'],
      [{ line: 'set ssl cert /c/a.pem', payload: ['a\0b'] }, 'would end or break the payload'],
    ];
    for (const [request, message] of refused) await expect(runCliSession(missing, [request], opts)).rejects.toThrow(message);
  });

  test("a request must fit haproxy's buffer less one byte, payload and ending empty line included", async () => {
    const missing = join(dir.path, 'missing.sock');
    // `set ssl cert /c/a.pem <<\n` is 25 bytes, each payload line its length plus one, the empty line one.
    const request = (payloadBytes: number): CliRequest => ({ line: 'set ssl cert /c/a.pem', payload: ['x'.repeat(payloadBytes - 1)] });
    const bufSize = 1024;
    expect(fitsCliBuffer(request(bufSize - 1 - 26), bufSize)).toBe(true);
    expect(fitsCliBuffer(request(bufSize - 26), bufSize)).toBe(false);
    await expect(runCliSession(missing, [request(bufSize - 1 - 26)], { ...opts, bufSize })).rejects.toThrow('ENOENT');
    await expect(runCliSession(missing, [request(bufSize - 26)], { ...opts, bufSize })).rejects.toThrow(
      "haproxy CLI: \"set ssl cert /c/a.pem <<\" takes 1024 bytes, more than haproxy's 1024-byte buffer holds",
    );
    expect(fitsCliBuffer({ line: 'x'.repeat(bufSize - 2) }, bufSize)).toBe(true);
    expect(fitsCliBuffer({ line: 'x'.repeat(bufSize - 1) }, bufSize)).toBe(false);
  });

  test('the head of a request is its line, with `<<` when a payload follows, never the payload', () => {
    expect(requestHead({ line: 'show ssl cert' })).toBe('show ssl cert');
    expect(requestHead({ line: 'set ssl cert /c/a.pem', payload: ['-----BEGIN PRIVATE KEY-----'] })).toBe('set ssl cert /c/a.pem <<');
  });
});

describe('CliSession', () => {
  test('takes batches in turn on one connection, a batch sent while another is answered waiting for it', async () => {
    const fake = await FakeRuntimeSocket.start(join(dir.path, 'turns.sock'), [
      { name: 'b', dynamic: true, servers: [{ name: 's', addr: '10.0.0.1', port: 80, weight: 1, checkDeclared: false }] },
    ]);
    const session = await CliSession.open(fake.path, opts);
    const [first, second] = await Promise.all([session.send(lines('set server b/s weight 2', 'frobnicate')), session.send(lines('disable server b/s', 'del server b/s'))]);
    expect(first?.[0]).toBe('');
    expect(first?.[1]).toStartWith('Unknown command');
    expect(second).toEqual(['', 'Server deleted.']);
    expect(fake.connections).toBe(1);
    session.close();
    await expect(session.send(lines('show servers state'))).rejects.toThrow('the session was closed');
    await fake.stop();
  });

  test('tells, once per batch, how long its first reply took', async () => {
    const fake = await FakeRuntimeSocket.start(join(dir.path, 'first.sock'), [
      { name: 'b', dynamic: true, servers: [{ name: 's', addr: '10.0.0.1', port: 80, weight: 1, checkDeclared: false }] },
    ]);
    const waits: number[] = [];
    const session = await CliSession.open(fake.path, { ...opts, onFirstReply: (ms) => waits.push(ms) });
    await session.send(lines('set server b/s weight 2', 'set server b/s weight 3', 'set server b/s weight 4'));
    await session.send(lines('show servers state'));
    expect(waits.length).toBe(2);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(0);
    session.close();
    await fake.stop();
  });

  test('once the socket closed, the session is over: every later batch rejects', async () => {
    const server = await scriptedServer('over.sock', (socket) => socket.end('\n> \n> '));
    const session = await CliSession.open(server.path, opts);
    await expect(session.send(lines('enable server b/s', 'enable server b/t'))).rejects.toThrow('the socket closed (1 of 2 commands answered)');
    expect(session.alive).toBe(false);
    await expect(session.send(lines('enable server b/s'))).rejects.toThrow('the socket closed');
    await server.close();
  });
});

