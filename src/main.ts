import pkg from '../package.json' with { type: 'json' };
import { runCli } from './cli/command.ts';
import { errorMessage } from './errors.ts';
import { createLogger } from './log.ts';
import type { RouterOptions } from './options.ts';
import { startRouter } from './router.ts';
import { systemdNotifier } from './systemd/notify.ts';

/** How long a stop signal that arrives during startup waits for a haproxy start in progress. */
const STARTING_GRACE_MS = 5000;

/** Resolves with the first of SIGTERM/SIGINT: systemd stops us with TERM, a terminal with INT. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

async function run(options: RouterOptions): Promise<number> {
  const logger = createLogger({ format: options.logFormat, level: options.logLevel });
  const systemd = systemdNotifier(process.env, logger);
  const stopSignal = nextStopSignal();
  const starting = startRouter(options, { logger });
  // Starting waits for the API to sync, which may take long when it is down: a stop signal must still work then.
  const first = await Promise.race([starting.then((router) => ({ router }), (err: unknown) => ({ err })), stopSignal.then((signal) => ({ signal }))]);
  if ('err' in first) {
    logger.error(errorMessage(first.err));
    return 1;
  }
  if ('signal' in first) {
    logger.info(`${first.signal} received before the router was ready: stopping`);
    // If haproxy was already being started, let that finish and stop it; a start still waiting for the API has nothing to stop.
    const late = await Promise.race([starting.then((router) => router, () => undefined), Bun.sleep(STARTING_GRACE_MS).then(() => undefined)]);
    await late?.stop();
    return 0;
  }
  const { router } = first;
  systemd.ready();
  const signal = await stopSignal;
  systemd.stopping();
  logger.info(`${signal} received: stopping`);
  await router.stop();
  return 0;
}

const code = await runCli(process.argv.slice(2), process.env, {
  version: pkg.version,
  run,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
process.exit(code);
