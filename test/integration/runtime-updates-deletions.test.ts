/**
 * Servers leaving a backend go into maintenance with the update that drops
 * them and are deleted after it, once the worker is quiet (on haproxy 2.6
 * a `del server` stops every worker thread). Real haproxy, real backends.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRuntimeClient, type CommandResult, type RuntimeClient } from '../../src/haproxy/runtime-api/runtime-client.ts';
import { startBackend, type TestBackend } from '../support/backend.ts';
import { startHeldBackend } from '../support/runtime/held-backend.ts';
import { untilNoServerWaits, waitingServers } from '../support/runtime/waiting-servers.ts';
import { routeYaml, sliceYaml } from '../support/manifests.ts';
import { startTestRouter, type TestRouter } from '../support/router-harness.ts';

let a: TestBackend;
let b: TestBackend;
let t: TestRouter | undefined;

beforeAll(() => {
  a = startBackend('a');
  b = startBackend('b');
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
});
afterAll(async () => {
  await a.stop();
  await b.stop();
});

const BACKEND = 'be_http:default:r';
const socketOf = (tr: TestRouter) => join(tr.workingDir, 'run', 'haproxy.sock');

/** The runtime client, with every `del server` haproxy answered reported to `seen`. */
function observingDeletions(seen: (r: CommandResult) => void) {
  return (client: RuntimeClient): RuntimeClient => ({
    ...client,
    async apply(commands) {
      const result = await client.apply(commands);
      for (const r of result.results) if (r.command.kind === 'del-server') seen(r);
      return result;
    },
  });
}

/** The servers the backend's file on disk declares, by name, once the store wrote what waits (as before haproxy reads the files). */
async function serversOnDisk(tr: TestRouter, backend: string): Promise<string[]> {
  await tr.router.store.flush();
  const conf = join(tr.workingDir, 'conf');
  for (const dir of [conf, ...readdirSync(conf, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(conf, e.name))]) {
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.config') && !file.endsWith('.cfg')) continue;
      const text = readFileSync(join(dir, file), 'utf8');
      const at = text.indexOf(`backend ${backend} from `);
      if (at < 0) continue;
      const block = text.slice(at).split(/\n(?=backend )/)[0] ?? '';
      return [...block.matchAll(/^\s+server (\S+) /gm)].map((m) => m[1] as string).sort();
    }
  }
  throw new Error(`no backend ${backend} on disk`);
}

describe('servers leaving a backend', () => {
  test('a move under traffic loses no request, and waits for no deletion: those go once the worker is quiet', async () => {
    const [c, d] = [startBackend('c'), startBackend('d')];
    // Deletions are held until the moves are done: a move that waited for one would never finish.
    const gate = Promise.withResolvers<void>();
    const deleted: CommandResult[] = [];
    const threeDeleted = Promise.withResolvers<void>();
    const wrapRuntime = (client: RuntimeClient): RuntimeClient => {
      const observed = observingDeletions((r) => {
        deleted.push(r);
        if (deleted.filter((d) => d.status === 'ok').length === 3) threeDeleted.resolve();
      })(client);
      return {
        ...observed,
        async apply(commands) {
          if (commands.some((cmd) => cmd.kind === 'del-server')) await gate.promise;
          return observed.apply(commands);
        },
      };
    };
    try {
      t = await startTestRouter({ wrapRuntime, manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [a.port] }) } });
      const tr = t;
      let moving = true;
      const statuses: number[] = [];
      const traffic = (async () => {
        while (moving) statuses.push((await tr.get('r.example.com')).status);
      })();
      for (const pod of [b, c, d]) {
        await tr.write('eps.yaml', sliceYaml({ service: 'r', ports: [pod.port] }));
        expect(tr.router.lastCommit()?.result).toBe('runtime');
        expect((await tr.get('r.example.com')).backend).toBe(pod.name);
      }
      moving = false;
      await traffic;
      expect(statuses.length).toBeGreaterThan(3);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect((await waitingServers(socketOf(tr))).length).toBe(3);
      gate.resolve();
      await untilNoServerWaits(socketOf(tr));
      // haproxy drops a server before the router has read its answer: the last one may still be on its way.
      await threeDeleted.promise;
      expect(deleted.filter((r) => r.status === 'ok')).toHaveLength(3);
      expect((await createRuntimeClient(socketOf(tr)).showServersState(BACKEND)).map((s) => s.server).sort()).toEqual(await serversOnDisk(tr, BACKEND));
      expect(tr.router.reloadCounts.size).toBe(0);
    } finally {
      gate.resolve();
      await c.stop();
      await d.stop();
    }
  }, 30_000);

  test('a deletion refused while a request is in flight is retried until it goes, and the worker ends up with what the files say', async () => {
    const held = startHeldBackend('held');
    try {
      const refused = Promise.withResolvers<void>();
      t = await startTestRouter({
        wrapRuntime: observingDeletions((r) => r.status === 'busy' && refused.resolve()),
        manifests: { 'r.yaml': routeYaml({ name: 'r', host: 'r.example.com' }), 'eps.yaml': sliceYaml({ service: 'r', ports: [held.port] }) },
      });
      const inFlight = t.get('r.example.com', '/hold');
      const release = await held.nextHold();
      await t.write('eps.yaml', sliceYaml({ service: 'r', ports: [a.port] }));
      expect(t.router.lastCommit()?.result).toBe('runtime');
      await refused.promise;
      // Refused: it waits, in maintenance, taking no new requests.
      expect((await waitingServers(socketOf(t))).some((s) => s.endsWith(`:${held.port}`))).toBe(true);
      expect((await t.get('r.example.com')).backend).toBe('a');
      release();
      expect((await inFlight).status).toBe(200);
      await untilNoServerWaits(socketOf(t));
      expect((await createRuntimeClient(socketOf(t)).showServersState(BACKEND)).map((s) => s.server).sort()).toEqual(await serversOnDisk(t, BACKEND));
      expect(t.router.reloadCounts.size).toBe(0);
    } finally {
      await held.stop();
    }
  }, 30_000);
});
