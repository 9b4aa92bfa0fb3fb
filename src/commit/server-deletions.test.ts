import { expect, test } from 'bun:test';
import { createConsola } from 'consola';
import type { ServerRef } from '../domain/names.ts';
import type { RuntimeCommand } from '../plan/commands.ts';
import { ServerDeletions, type DeletionPacing } from './server-deletions.ts';
import type { ApplyResult, RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { ReplyStatus } from '../haproxy/runtime-api/commands.ts';

const logger = createConsola({ level: -999 });
const ref = { backend: 'be_http:ns:a', server: 'ept:a:http:10.0.0.1:80' };
const ref2 = { backend: 'be_http:ns:a', server: 'ept:a:http:10.0.0.2:80' };
const none = () => undefined;
const eager: DeletionPacing = { quietMs: 0, maxWaiting: 1000, batch: 16 };

/** A client that answers each `del server` with `answer(server)`, once the test releases it when `gated`. */
function gatedClient(answer: (s: ServerRef) => ReplyStatus = () => 'busy', gated = true) {
  const calls: RuntimeCommand[][] = [];
  let sessions = 0;
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const client: RuntimeClient = {
    async apply(commands) {
      calls.push([...commands]);
      if (gated) await gate;
      const results = commands.map((command) => ({ command, text: '', reply: '', status: command.kind === 'del-server' ? answer(command) : ('ok' as const) }));
      return { results, failed: results.filter((r) => r.status === 'failed'), busy: results.filter((r) => r.status === 'busy') } as unknown as ApplyResult;
    },
    showServersState: async () => [],
    together(work) {
      sessions++;
      return work();
    },
  };
  const callCount = async (n: number) => {
    while (calls.length < n) await Bun.sleep(1);
  };
  return {
    client,
    calls,
    sessions: () => sessions,
    release: () => {
      release();
      gate = new Promise<void>((r) => (release = r));
    },
    started: () => callCount(1),
    callCount,
  };
}

test('a batch in flight when clear() runs (a reload) never reschedules itself', async () => {
  const c = gatedClient();
  const deletions = new ServerDeletions(() => c.client, logger, eager);
  deletions.add([ref], none);
  await c.started();
  deletions.clear();
  c.release();
  await Bun.sleep(5);
  expect(deletions.size).toBe(0);
  expect(c.calls.length).toBe(1);
});

test('a busy delete stays pending, and is retried with the way out of maintenance and back, until cancelled', async () => {
  const c = gatedClient();
  const deletions = new ServerDeletions(() => c.client, logger, eager);
  deletions.add([ref], () => 'weight 1 track x');
  await c.started();
  expect(c.calls[0]?.map((cmd) => cmd.kind)).toEqual(['del-server']);
  c.release();
  await c.callCount(2);
  expect(deletions.has(ref)).toBe(true);
  expect(deletions.createdWith(ref)).toBe('weight 1 track x');
  expect(c.calls[1]?.map((cmd) => cmd.kind)).toEqual(['set-drain', 'set-maint', 'del-server']);
  deletions.cancel([ref]);
  expect(deletions.size).toBe(0);
  deletions.clear();
  c.release();
});

test('paused for a reload that then fails, the deletions carry on against the old worker', async () => {
  const c = gatedClient();
  const deletions = new ServerDeletions(() => c.client, logger, eager);
  deletions.add([ref], none);
  await c.started();
  deletions.pause();
  c.release();
  await Bun.sleep(5);
  // The answer to the batch in flight is dropped, but the server stays on record.
  expect(deletions.has(ref)).toBe(true);
  expect(c.calls.length).toBe(1);
  deletions.resume();
  await c.callCount(2);
  expect(c.calls.at(-1)?.map((cmd) => cmd.kind)).toEqual(['del-server']);
  deletions.clear();
  c.release();
});

test('deletions wait until no update ran for quietMs, then go one after the other on one connection', async () => {
  const c = gatedClient(() => 'ok', false);
  const deletions = new ServerDeletions(() => c.client, logger, { quietMs: 40, maxWaiting: 1000, batch: 16 });
  const ended = deletions.updating();
  deletions.add([ref], none);
  deletions.add([ref2], none);
  await Bun.sleep(60);
  expect(c.calls.length).toBe(0);
  const start = performance.now();
  ended();
  await c.started();
  expect(performance.now() - start).toBeGreaterThanOrEqual(35);
  while (deletions.size > 0) await Bun.sleep(1);
  expect(c.calls.map((call) => call.map((cmd) => cmd.kind))).toEqual([['del-server'], ['del-server']]);
  expect(c.sessions()).toBe(1);
});

test('an update that starts while a batch runs stops it after the deletion in flight: the rest wait for quiet again', async () => {
  const c = gatedClient(() => 'ok');
  const deletions = new ServerDeletions(() => c.client, logger, { quietMs: 30, maxWaiting: 1000, batch: 16 });
  deletions.add([ref, ref2], none);
  await c.started();
  const ended = deletions.updating();
  c.release();
  while (deletions.size > 1) await Bun.sleep(1);
  await Bun.sleep(40);
  expect(c.calls.length).toBe(1);
  ended();
  await c.callCount(2);
  c.release();
  while (deletions.size > 0) await Bun.sleep(1);
});

test('past maxWaiting, deletions no longer wait for quiet, only for the update in flight to end', async () => {
  const c = gatedClient(() => 'ok', false);
  const deletions = new ServerDeletions(() => c.client, logger, { quietMs: 60_000, maxWaiting: 1, batch: 1 });
  const ended = deletions.updating();
  deletions.add([ref, ref2], none);
  await Bun.sleep(10);
  expect(c.calls.length).toBe(0);
  ended();
  await c.started();
  expect(c.calls[0]?.length).toBe(1);
  // One left: no longer pressed, so it waits for quiet.
  await Bun.sleep(20);
  expect(c.calls.length).toBe(1);
  expect(deletions.size).toBe(1);
  deletions.clear();
});

test('a deletion haproxy refuses for another reason is dropped (and logged)', async () => {
  const c = gatedClient((s) => (s.server === ref.server ? 'failed' : 'ok'), false);
  const deletions = new ServerDeletions(() => c.client, logger, eager);
  deletions.add([ref, ref2], none);
  await c.started();
  while (deletions.size > 0) await Bun.sleep(1);
  expect(c.calls.length).toBe(2);
});
