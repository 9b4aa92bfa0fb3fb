import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { captureLogs } from '../../test/support/log-capture.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { FakeRuntimeSocket } from '../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { checkLoadedWorker } from './worker-check.ts';

const B = 'be_http:ns:a';
let dir: ReturnType<typeof shortTempDir>;
let socket: FakeRuntimeSocket;

beforeEach(async () => {
  dir = shortTempDir('wcheck');
  socket = await FakeRuntimeSocket.start(join(dir.path, 'admin.sock'), [
    { name: B, dynamic: true, servers: [{ name: 's1', addr: '10.0.0.1', port: 8080, weight: 1, checkDeclared: true }] },
  ]);
});

afterEach(async () => {
  await socket.stop();
  dir.remove();
});

describe('checkLoadedWorker', () => {
  test('a worker holding the model\'s servers passes, with the checks of lone servers switched off', async () => {
    const logs = captureLogs();
    expect(await checkLoadedWorker(createRuntimeClient(socket.path), model([backend(B, [server('s1')])]), logs.logger)).toBe(true);
    expect(socket.received).toContain(`disable health ${B}/s1`);
  });

  test('a worker with other servers fails, and the log names them', async () => {
    const logs = captureLogs();
    expect(await checkLoadedWorker(createRuntimeClient(socket.path), model([backend(B, [server('s2')])]), logs.logger)).toBe(false);
    expect(logs.logs.some((r) => r.msg.includes(`missing: ${B}/s2; unexpected: ${B}/s1`))).toBe(true);
  });

  test('a socket that does not answer proves nothing either way', async () => {
    await socket.stop();
    const logs = captureLogs();
    expect(await checkLoadedWorker(createRuntimeClient(socket.path), model([backend(B, [server('s2')])]), logs.logger)).toBe(true);
  });
});
