import { expect, test } from 'bun:test';
import { createConsola } from 'consola';
import type { RuntimeCommand } from '../plan/commands.ts';
import { DeleteRetries } from './delete-retries.ts';
import type { ApplyResult, RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';

const logger = createConsola({ level: -999 });
const ref = { backend: 'be_http:ns:a', server: 'ept:a:http:10.0.0.1:80' };

/** A client whose every apply answers "busy" for the delete, when the test releases it. */
function gatedClient() {
  const calls: RuntimeCommand[][] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const client: RuntimeClient = {
    async apply(commands) {
      calls.push([...commands]);
      await gate;
      const results = commands.map((command) => ({ command, text: '', reply: '', status: command.kind === 'del-server' ? ('busy' as const) : ('ok' as const) }));
      return { results, failed: [], busy: results.filter((r) => r.status === 'busy') } as unknown as ApplyResult;
    },
    showServersState: async () => [],
  };
  return {
    client,
    calls,
    release: () => {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
    started: () => new Promise<void>((resolve) => {
      const check = () => (calls.length > 0 ? resolve() : setTimeout(check, 1));
      check();
    }),
  };
}

test('a retry in flight when clear() runs (a reload) never reschedules itself', async () => {
  const c = gatedClient();
  const retries = new DeleteRetries(() => c.client, logger);
  retries.add([ref]);
  await c.started();
  retries.clear();
  c.release();
  await Promise.resolve();
  await Bun.sleep(0);
  expect(retries.size).toBe(0);
});

test('a busy delete stays pending until cancelled', async () => {
  const c = gatedClient();
  const retries = new DeleteRetries(() => c.client, logger);
  retries.add([ref]);
  await c.started();
  c.release();
  await Bun.sleep(0);
  expect(retries.size).toBe(1);
  retries.cancel([ref]);
  expect(retries.size).toBe(0);
});

test('paused for a reload that then fails, the retries carry on against the old worker', async () => {
  const c = gatedClient();
  const retries = new DeleteRetries(() => c.client, logger);
  retries.add([ref]);
  await c.started();
  retries.pause();
  c.release();
  await Bun.sleep(0);
  // The answer to the retry in flight is dropped, but the server stays on record.
  expect(retries.has(ref)).toBe(true);
  const before = c.calls.length;
  retries.resume();
  await c.started();
  while (c.calls.length === before) await Bun.sleep(1);
  expect(c.calls.at(-1)?.map((cmd) => cmd.kind)).toEqual(['set-drain', 'set-maint', 'del-server']);
  retries.clear();
  c.release();
});
