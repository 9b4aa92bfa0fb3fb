import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { captureLogs } from '../../test/support/log-capture.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { FakeRuntimeSocket, fakeBackendsFromConfig } from '../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { EMBEDDED_ASSETS } from '../config/embedded-assets.ts';
import { createRenderer } from '../config/render.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import { checkLoadedWorker } from './worker-check.ts';
import { configText } from '../config/config-files.ts';

/** Where check slots 1-64 live. */
const CHECK_BACKEND = 'be_checks_0';

const B = 'be_http:ns:a';
/** A lone server: its pod's check slot (chk1) must not run. */
const loaded = model([backend(B, [server('s1')])]);
let dir: ReturnType<typeof shortTempDir>;
let socket: FakeRuntimeSocket;

beforeEach(async () => {
  dir = shortTempDir('wcheck');
  const config = configText(createRenderer(EMBEDDED_ASSETS)(loaded));
  socket = await FakeRuntimeSocket.start(join(dir.path, 'admin.sock'), fakeBackendsFromConfig(config));
});

afterEach(async () => {
  await socket.stop();
  dir.remove();
});

describe('checkLoadedWorker', () => {
  test("a worker holding the model's servers passes, with the checks that should not run switched off", async () => {
    const logs = captureLogs();
    expect(await checkLoadedWorker(createRuntimeClient(socket.path), loaded, logs.logger)).toBe(true);
    expect(socket.received).toContain(`disable health ${CHECK_BACKEND}/chk1`);
    expect(socket.received).toContain(`set server ${CHECK_BACKEND}/chk1 health up`);
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
