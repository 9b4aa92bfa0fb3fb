import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { captureLogs } from '../../test/support/log-capture.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { FakeRuntimeSocket, fakeBackendsFromConfig } from '../../test/support/runtime/fake-runtime-socket.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { EMBEDDED_ASSETS } from '../config/embedded-assets.ts';
import { createRenderer } from '../config/render.ts';
import { createRuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { ConfigModel } from '../config/model.ts';
import { LoadedWorkerCheck, switchOffChecks } from './worker-check.ts';
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

/** The check of a worker that loaded `loaded`, judged against `current`; resolves whether it found the worker out of step. */
async function check(current: ConfigModel, during?: (c: LoadedWorkerCheck) => void): Promise<{ mismatch: boolean; logs: ReturnType<typeof captureLogs> }> {
  const logs = captureLogs();
  let mismatch = false;
  const c = new LoadedWorkerCheck({ runtime: createRuntimeClient(socket.path), model: () => current, onMismatch: () => (mismatch = true), logger: logs.logger });
  c.start();
  during?.(c);
  await c.done();
  return { mismatch, logs };
}

describe('switchOffChecks', () => {
  test('switches off the checks that should not run', async () => {
    await switchOffChecks(createRuntimeClient(socket.path), loaded, captureLogs().logger);
    expect(socket.received).toContain(`disable health ${CHECK_BACKEND}/chk1`);
    expect(socket.received).toContain(`set server ${CHECK_BACKEND}/chk1 health up`);
  });
});

describe('LoadedWorkerCheck', () => {
  test("a worker holding the model's servers passes", async () => {
    expect((await check(loaded)).mismatch).toBe(false);
  });

  test('a worker with other servers fails, and the log names them', async () => {
    const { mismatch, logs } = await check(model([backend(B, [server('s2')])]));
    expect(mismatch).toBe(true);
    expect(logs.logs.some((r) => r.msg.includes(`missing: ${B}/s2; unexpected: ${B}/s1`))).toBe(true);
  });

  test('servers that commands named while the worker was asked are not judged; the others are', async () => {
    const sent = (c: LoadedWorkerCheck) =>
      c.sending([
        { kind: 'add-server', backend: B, server: 's2', address: '10.0.0.2:8080', options: '' },
        { kind: 'set-maint', backend: B, server: 's1' },
        { kind: 'del-server', backend: B, server: 's1' },
      ]);
    expect((await check(model([backend(B, [server('s2')])]), sent)).mismatch).toBe(false);
    expect((await check(model([backend(B, [server('s2')]), backend('be_http:ns:b', [server('s3')])]), sent)).mismatch).toBe(true);
  });

  test('a check cancelled (another load) judges nothing', async () => {
    expect((await check(model([backend(B, [server('s2')])]), (c) => c.cancel())).mismatch).toBe(false);
  });

  test('a socket that does not answer proves nothing either way', async () => {
    await socket.stop();
    expect((await check(model([backend(B, [server('s2')])]))).mismatch).toBe(false);
  });
});
