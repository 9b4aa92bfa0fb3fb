import pkg from '../package.json' with { type: 'json' };
import { runCli } from './cli/command.ts';
import { errorMessage } from './errors.ts';
import { HANDLED_SIGNALS, reactTo, type Action, type Phase } from './lifecycle/signals.ts';
import { checkCommand, renderCommand } from './dry-run/dry-run.ts';
import { createLogger, type Logger } from './log.ts';
import type { RouterOptions } from './options.ts';
import { startRouter, type RunningRouter } from './router.ts';
import { drainOtherMasters, findPredecessor } from './haproxy/predecessor.ts';
import { workingPaths } from './working-paths.ts';
import { systemdNotifier, type SystemdNotifier } from './systemd/notify.ts';

/** How long a signal that arrives during startup waits for a haproxy start in progress. */
const STARTING_GRACE_MS = 5000;

type Request = Exclude<Action, 'ignore'>;

/**
 * Installs the signal handlers for the life of the process (a signal left to
 * its default action would end the router and orphan haproxy) and returns
 * the actions they ask for, in order.
 */
function listenForSignals(logger: Logger): () => Promise<Request> {
  let phase: Phase = 'running';
  const queued: Request[] = [];
  let wake: (() => void) | undefined;
  for (const signal of HANDLED_SIGNALS) {
    process.on(signal, () => {
      const reaction = reactTo(signal, phase);
      phase = reaction.phase;
      logger[reaction.action === 'ignore' ? 'warn' : 'info'](`${signal} received: ${reaction.message}`);
      if (reaction.action === 'ignore') return;
      queued.push(reaction.action);
      wake?.();
    });
  }
  return async () => {
    while (queued.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return queued.shift() as Request;
  };
}

function perform(router: RunningRouter, action: Request, systemd: SystemdNotifier): Promise<void> {
  // A hand-over is not a stop: systemd starts the next router, which takes haproxy over.
  if (action === 'hand-over') return router.handOver();
  systemd.stopping();
  return action === 'stop' ? router.stop() : router.stopNow();
}

/** Drains and stops the haproxy masters a previous router of this working dir left (none is ours yet); `hurry`: a second signal came. */
async function stopLeftHaproxy(options: RouterOptions, logger: Logger, hurry: () => boolean): Promise<void> {
  const paths = workingPaths(options.workingDir);
  const pid = findPredecessor(paths.pidFile, paths.masterSocket);
  if (pid === undefined) return;
  const drainMs = hurry() ? 0 : options.shutdown.drainTimeoutMs;
  logger.info(`stopping the haproxy (master pid ${pid}) a previous router left serving: draining its connections for up to ${drainMs} ms`);
  await drainOtherMasters(paths.masterSocket, undefined, Date.now() + drainMs, logger, hurry);
}

async function run(options: RouterOptions): Promise<number> {
  const logger = createLogger({ format: options.logFormat, level: options.logLevel });
  const systemd = systemdNotifier(process.env, logger);
  systemd.watchdog();
  const nextAction = listenForSignals(logger);
  const startAbandoned = new AbortController();
  const starting = startRouter(options, { logger, startAbandoned: startAbandoned.signal });
  // Starting waits for the API to sync, which may take long when it is down: a signal must still work then.
  const first = await Promise.race([starting.then((router) => ({ router }), (err: unknown) => ({ err })), nextAction().then((action) => ({ action }))]);
  if ('err' in first) {
    logger.error(errorMessage(first.err));
    return 1;
  }
  if ('action' in first) {
    // Not ready, so nothing to wait for on the way out. A start still waiting for the API has no haproxy yet; one
    // still starting haproxy is given a moment, and if it runs out, the supervisor ends that haproxy as the process exits.
    let action = first.action;
    let actionChanged = () => {};
    void (async () => {
      for (;;) {
        action = await nextAction();
        if (action !== 'hand-over') systemd.stopping();
        actionChanged();
      }
    })();
    const changed = () => new Promise<undefined>((resolve) => (actionChanged = () => resolve(undefined)));
    const failed = (err: unknown) => void (startAbandoned.signal.aborted || logger.error(errorMessage(err)));
    if (action !== 'hand-over') systemd.stopping();
    const late = await Promise.race([starting.catch(failed), Bun.sleep(STARTING_GRACE_MS).then(() => undefined), changed()]);
    if (late) {
      await (action === 'hand-over' ? late.handOver() : late.stopNow());
      return 0;
    }
    // Not started: it never will be (no haproxy started or taken over from here on).
    startAbandoned.abort();
    // A stop before this router took over the haproxy a previous one left (still waiting for its source): that haproxy
    // goes too, as a stop of the unit means; a hand-over leaves it to the next router.
    if (action !== 'hand-over') await stopLeftHaproxy(options, logger, () => action === 'stop-now');
    return 0;
  }
  const { router } = first;
  systemd.ready();
  let done: Promise<number> | undefined;
  for (;;) {
    const next = await Promise.race([nextAction(), ...(done ? [done] : [])]);
    if (typeof next === 'number') return next;
    done = perform(router, next, systemd).then(
      () => 0,
      (err: unknown) => {
        logger.error(`stopping failed: ${errorMessage(err)}`);
        return 1;
      },
    );
  }
}

const io = { stdout: (s: string) => void process.stdout.write(s), stderr: (s: string) => void process.stderr.write(s) };
const code = await runCli(process.argv.slice(2), process.env, {
  version: pkg.version,
  run,
  render: (options, outDir) => renderCommand(options, outDir, io),
  check: (options) => checkCommand(options, io),
  ...io,
});
process.exit(code);
