import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { parseShowTlsKeys, startTicketKeyRotation, type TicketKeyRotation } from '../../src/haproxy/ticket-key-rotation.ts';
import { loadTicketKeys } from '../../src/haproxy/ticket-keys.ts';
import { createLogger } from '../../src/log.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { makeCA, makeLeaf, type Issued } from '../support/certs.ts';
import { routeJson, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';
import { shortTempDir } from '../support/workdir.ts';

const HOST = 'resume.example.com';
let backend: TestBackend;
let cert: Issued;
const sessions = shortTempDir('sess');

beforeAll(() => {
  backend = startBackend('web');
  cert = makeLeaf(makeCA('tickets-ca'), { dnsNames: [HOST] });
});
afterAll(async () => {
  await backend?.stop();
  sessions.remove();
});

const manifests = () => ({
  'web.json': routeJson({ name: 'web', host: HOST, tls: { termination: 'edge', certificate: cert.cert, key: cert.key } }),
  'eps.yaml': sliceYaml({ service: 'web', ports: [backend.port] }),
});

/**
 * One HTTPS request by `openssl s_client`, saving its session to `sessOut`
 * or offering the one in `sessIn`; says whether the handshake was new or
 * resumed. TLS 1.3 sends its ticket after the handshake, so the request
 * waits for the answer (-ign_eof) before the session is written.
 */
async function sClient(port: number, opts: { sessOut?: string; sessIn?: string }): Promise<'New' | 'Reused'> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', HOST, '-ign_eof'];
  if (opts.sessOut) args.push('-sess_out', join(sessions.path, opts.sessOut));
  if (opts.sessIn) args.push('-sess_in', join(sessions.path, opts.sessIn));
  const proc = Bun.spawn(['openssl', ...args], {
    stdin: Buffer.from(`GET / HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`),
    stdout: 'pipe',
    stderr: 'pipe',
    timeout: 10_000,
  });
  const [out] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  const m = /^(New|Reused), /m.exec(out);
  if (!m || !out.includes('web /')) throw new Error(`openssl s_client got no answer: ${out.slice(0, 400)}`);
  return m[1] as 'New' | 'Reused';
}

describe('TLS ticket keys rotated while running', () => {
  let t: TestRouter;
  let rotation: TicketKeyRotation;
  let keysPath: string;
  let adminSocket: string;

  beforeAll(async () => {
    t = await startTestRouter({ manifests: manifests() });
    keysPath = join(t.workingDir, 'certs', 'tls-ticket-keys');
    adminSocket = join(t.workingDir, 'run', 'haproxy.sock');
    // The router's own rotation waits an hour; the test rotates when it wants, on the same file and worker.
    rotation = startTicketKeyRotation({ path: keysPath, adminSocket, intervalMs: 3_600_000, logger: createLogger({ format: 'json', level: 'silent' }) });
  });
  afterAll(async () => {
    rotation?.stop();
    await t?.stop();
  });

  const workerKeys = async () => parseShowTlsKeys(await socketCommand(adminSocket, `show tls-keys ${keysPath}`));

  test('sessions resume across a rotation and a reload after it, and are refused once their key has left the ring', async () => {
    expect(await sClient(t.httpsPort, { sessOut: 'first' })).toBe('New');
    expect(await rotation.rotate()).toBe('rotated');
    expect(await workerKeys()).toEqual(await loadTicketKeys(keysPath));
    expect(await sClient(t.httpsPort, { sessIn: 'first' })).toBe('Reused');
    expect(await sClient(t.httpsPort, { sessOut: 'second' })).toBe('New');

    // A route that stops allowing plain HTTP gets a `secure` cookie: its backend changes, which reloads from disk.
    const later = (insecureEdgeTerminationPolicy: 'Allow' | 'None') =>
      routeJson({ name: 'later', host: 'later.example.com', service: 'web', tls: { termination: 'edge', insecureEdgeTerminationPolicy } });
    await t.write('later.json', later('Allow'));
    await t.write('later.json', later('None'));
    expect(t.router.lastCommit()?.result).toBe('reloaded');
    expect(await workerKeys()).toEqual(await loadTicketKeys(keysPath));
    expect(await sClient(t.httpsPort, { sessIn: 'first' })).toBe('Reused');
    expect(await sClient(t.httpsPort, { sessIn: 'second' })).toBe('Reused');

    // Two rotations after it was issued, a ticket's key is gone: the handshake starts over.
    expect(await rotation.rotate()).toBe('rotated');
    expect(await sClient(t.httpsPort, { sessIn: 'first' })).toBe('New');
    expect(await sClient(t.httpsPort, { sessIn: 'second' })).toBe('Reused');
    expect(await rotation.rotate()).toBe('rotated');
    expect(await sClient(t.httpsPort, { sessIn: 'second' })).toBe('New');
  });

  test('a worker whose ring differs from the file (a reload raced a rotation) gets the file\'s keys at the next rotation', async () => {
    // A key nobody wrote to the file, as a reload landing between a rotation's file write and its `set` would leave.
    const reply = await socketCommand(adminSocket, `set ssl tls-key ${keysPath} ${Buffer.alloc(48, 7).toString('base64')}`);
    expect(reply).toContain('TLS ticket key updated');
    expect(await workerKeys()).not.toEqual(await loadTicketKeys(keysPath));
    expect(await rotation.rotate()).toBe('resynced');
    expect(await workerKeys()).toEqual(await loadTicketKeys(keysPath));
    expect(await sClient(t.httpsPort, { sessOut: 'third' })).toBe('New');
    expect(await sClient(t.httpsPort, { sessIn: 'third' })).toBe('Reused');
  });
});

describe('the router rotates on its own', () => {
  test('with --tls-ticket-key-interval=1s the keys on disk and in the worker move on together', async () => {
    const t = await startTestRouter({ manifests: manifests(), args: ['--tls-ticket-key-interval=1s'] });
    try {
      const keysPath = join(t.workingDir, 'certs', 'tls-ticket-keys');
      const initial = readFileSync(keysPath, 'utf8');
      const logged = await t.waitForLog((r) => r.msg.startsWith('TLS ticket keys rotated'));
      expect(logged).toMatchObject({ level: 'info', tag: 'tls-keys', msg: 'TLS ticket keys rotated (live)' });
      expect(readFileSync(keysPath, 'utf8')).not.toBe(initial);
      const held = parseShowTlsKeys(await socketCommand(join(t.workingDir, 'run', 'haproxy.sock'), `show tls-keys ${keysPath}`));
      expect((await loadTicketKeys(keysPath)).slice(0, 2)).toEqual(held.slice(0, 2));
      expect(t.logs.map((r) => r.msg).join('\n')).not.toContain(held[2] ?? 'no key');
    } finally {
      await t.stop();
    }
  });
});
