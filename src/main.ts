import pkg from '../package.json' with { type: 'json' };
import { runCli } from './cli/command.ts';
import type { RouterOptions } from './cli/parse-options.ts';
import { createLogger } from './log.ts';
import { startRouter } from './router.ts';

/** Resolves with the first of SIGTERM/SIGINT: systemd stops us with TERM, a terminal with INT. */
function nextStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

async function run(options: RouterOptions): Promise<number> {
  const logger = createLogger({ format: options.logFormat, level: options.logLevel });
  const stopSignal = nextStopSignal();
  let router;
  try {
    router = await startRouter(options, { logger });
  } catch (err) {
    logger.error((err as Error).message);
    return 1;
  }
  const signal = await stopSignal;
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
