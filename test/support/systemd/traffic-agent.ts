/**
 * Traffic inside a systemd host's network namespace (test/support/systemd-host.ts),
 * where the test process cannot reach: a held backend on loopback, steady load
 * through the router's port 80, and a request kept in flight, driven by one
 * command per line on stdin, each answered by one JSON line on stdout.
 * It starts by printing `{"port":<backend port>}`.
 */
import { startLoad, type Load } from '../load.ts';
import { rawGet } from '../net.ts';
import { startHeldBackend } from '../runtime/held-backend.ts';

const HOST = process.argv[2] ?? 'app.example.com';
const ROUTER_PORT = 80;

const app = startHeldBackend('app');
let load: Load | undefined;
let held: { answer: ReturnType<typeof rawGet>; release: () => void } | undefined;

const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

async function handle(command: string): Promise<unknown> {
  switch (command) {
    case 'get':
      return rawGet(ROUTER_PORT, HOST, '/');
    case 'load':
      load = startLoad(ROUTER_PORT, HOST, 'app');
      await load.progressed();
      return { ok: true };
    case 'progressed':
      await load?.progressed();
      return { ok: true };
    case 'hold': {
      const answer = rawGet(ROUTER_PORT, HOST, '/hold');
      held = { answer, release: await app.nextHold() };
      return { ok: true };
    }
    case 'release': {
      held?.release();
      return await held?.answer;
    }
    case 'stop':
      return await load?.stop();
    default:
      return { error: `unknown command ${command}` };
  }
}

reply({ port: app.port });
for await (const line of console) {
  if (line === 'exit') break;
  reply(await handle(line.trim()).catch((err: unknown) => ({ error: String(err) })));
}
await app.stop();
process.exit(0);
