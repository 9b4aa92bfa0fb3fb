import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { captureLogs } from '../../test/support/log-capture.ts';
import { FakeRuntimeSocket } from '../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { trackOf } from '../config/check-servers.ts';
import { serverOptions } from '../config/server-line.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { RuntimeApplier } from './runtime-applier.ts';

const B = 'be_http:ns:a';
const ACL = '/tmp/allow.acl';
const s1 = server('s1');
const s2 = server('s2', { ip: '10.0.0.2' });
const applied = model([backend(B, [s1, s2])]);
const ref = (name: string) => ({ backend: B, server: name });
const add = (s: typeof s1): RuntimeCommand => ({ kind: 'add-server', ...ref(s.name), address: `${s.ip}:${s.port}`, options: serverOptions(applied.backends[0]!, s, trackOf(applied.checks)(applied.backends[0]!, s)) });
const remove = (name: string): RuntimeCommand[] => [{ kind: 'set-maint', ...ref(name) }, { kind: 'del-server', ...ref(name) }];

let dir: ReturnType<typeof shortTempDir>;
let socket: FakeRuntimeSocket;
let applier: RuntimeApplier;

beforeEach(async () => {
  dir = shortTempDir('apply');
  const path = join(dir.path, 'admin.sock');
  socket = await FakeRuntimeSocket.start(path, [
    { name: B, dynamic: true, servers: [s1, s2].map((s) => ({ name: s.name, addr: s.ip, port: s.port, weight: 1, checkDeclared: true })) },
    { name: 'be_checks_0', dynamic: true, servers: applied.checks.map((c) => ({ name: c.name, addr: c.target?.ip ?? '0.0.0.0', port: c.target?.port ?? 0, weight: 1, checkDeclared: true })) },
  ], undefined, { [ACL]: ['10.1.0.0/16'] });
  applier = new RuntimeApplier(createRuntimeClient(path), captureLogs().logger, { quietMs: 0, maxWaiting: 1000, batch: 16 });
});

afterEach(async () => {
  applier.forgetWorker();
  await socket.stop();
  dir.remove();
});

describe('RuntimeApplier', () => {
  test('a server with requests in flight stays, in maintenance, and comes back by reweighing when its pod returns', async () => {
    const release = socket.holdConnection(B, 's2');
    expect(await applier.apply(remove('s2'), applied)).toEqual({ ok: true });
    expect(await applier.apply([add(s2), { kind: 'enable-server', ...ref('s2') }], model([backend(B, [s1])]))).toEqual({ ok: true });
    release();
    expect(socket.received).toContain(`set server ${B}/s2 weight 1`);
    expect(socket.received.filter((l) => l.startsWith(`add server ${B}/s2`))).toEqual([]);
  });

  test('a server waiting for deletion that would come back with other options is deleted first, then added with them', async () => {
    const patient = new RuntimeApplier(createRuntimeClient(join(dir.path, 'admin.sock')), captureLogs().logger, { quietMs: 60_000, maxWaiting: 1000, batch: 16 });
    await patient.apply(remove('s2'), applied);
    const plain = add(s2) as Extract<RuntimeCommand, { kind: 'add-server' }>;
    const tls: RuntimeCommand = { ...plain, options: plain.options.replace('weight 1 ', 'weight 1 ssl verify none ') };
    expect(await patient.apply([tls], model([backend(B, [s1])]))).toEqual({ ok: true });
    patient.stop();
    const sent = socket.received.filter((l) => l.startsWith(`del server ${B}/s2`) || l.startsWith(`add server ${B}/s2`));
    expect(sent.map((l) => l.split(' ')[0])).toEqual(['del', 'add']);
    expect(socket.received.at(-1)).toContain('ssl verify none');
  });

  test('one haproxy will not delete yet (requests in flight) cannot come back with other options: no add is sent, the caller reloads', async () => {
    const release = socket.holdConnection(B, 's2');
    await applier.apply(remove('s2'), applied);
    const tls = { ...add(s2), options: 'weight 1 ssl verify none track be_checks/chk2' } as RuntimeCommand;
    expect(await applier.apply([tls], model([backend(B, [s1])]))).toEqual({ ok: false, failure: expect.stringContaining('other options'), partial: false });
    expect(socket.received.filter((l) => l.startsWith('add server'))).toEqual([]);
    release();
  });

  test('a failure in the first phase keeps map entries and removals from being sent', async () => {
    const result = await applier.apply(
      [{ kind: 'add-server', backend: 'be_http:ns:nope', server: 'x', address: '10.0.0.9:80', options: 'weight 1' }, { kind: 'del-map', map: 'os_http_be.map', key: 'k' }, ...remove('s1')],
      applied,
    );
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.partial).toBe(true);
    expect(socket.received.some((l) => l.startsWith('del map') || l.startsWith('del server'))).toBe(false);
  });

  test('the phases of one update share a connection, and the next update opens its own', async () => {
    const before = socket.connections;
    expect(await applier.apply([{ kind: 'set-weight', ...ref('s2'), weight: 2 }, { kind: 'del-acl', acl: ACL, value: '10.1.0.0/16' }], applied)).toEqual({ ok: true });
    expect(socket.received.filter((l) => l.startsWith('del acl'))).toHaveLength(1);
    expect(socket.connections - before).toBe(1);
    expect(await applier.apply([{ kind: 'set-weight', ...ref('s2'), weight: 3 }], applied)).toEqual({ ok: true });
    expect(socket.connections - before).toBe(2);
  });

  test('a server leaving is put in maintenance by the update and deleted after it, on a connection of its own', async () => {
    const before = socket.connections;
    const update = applier.apply([{ kind: 'set-weight', ...ref('s2'), weight: 2 }, ...remove('s1')], applied);
    expect(await update).toEqual({ ok: true });
    expect(socket.received).toContain(`set server ${B}/s1 state maint`);
    expect(socket.received.filter((l) => l.startsWith('del server'))).toEqual([]);
    while (!socket.received.includes(`del server ${B}/s1`)) await Bun.sleep(1);
    expect(socket.connections - before).toBe(2);
  });

  test('a new worker never gets the retries of the old one', async () => {
    const release = socket.holdConnection(B, 's2');
    await applier.apply(remove('s2'), applied);
    applier.forgetWorker();
    release();
    // The pod returning now is a plain add (the new worker does not have it): nothing to revive.
    await applier.apply([add(s2)], model([backend(B, [s1])]));
    expect(socket.received.filter((l) => l.startsWith(`add server ${B}/s2`))).toHaveLength(1);
  });
});
