import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { notifySocketAddress } from './notify-address.ts';
import { sendUnixDatagram, type DatagramSender } from './unix-datagram.ts';

/**
 * The sd_notify protocol, for `Type=notify` units: READY=1 tells systemd the
 * start is complete (so `systemctl start` returns and ordered units follow
 * only once haproxy serves), STOPPING=1 that a stop has begun, and
 * WATCHDOG=1, sent from a timer of the event loop at half the unit's
 * `WatchdogSec` (WATCHDOG_USEC), that the loop still runs: a router whose
 * loop hangs stops taking changes while haproxy serves on, and systemd
 * restarts it (the next one takes haproxy over). Outside systemd (no
 * NOTIFY_SOCKET) all do nothing.
 */
export interface SystemdNotifier {
  ready(): void;
  stopping(): void;
  /** Starts the WATCHDOG=1 pings when the unit asks for them; returns what stops them. */
  watchdog(): () => void;
}

const NONE: SystemdNotifier = { ready() {}, stopping() {}, watchdog: () => () => {} };

/** The pings' period, when the unit set a watchdog for this process: half its timeout, as sd_watchdog_enabled advises. */
export function watchdogPeriodMs(env: Readonly<Record<string, string | undefined>>, pid: number): number | undefined {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isSafeInteger(usec) || usec <= 0) return undefined;
  if (env.WATCHDOG_PID !== undefined && env.WATCHDOG_PID !== '' && Number(env.WATCHDOG_PID) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 2000));
}

export function systemdNotifier(
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  send: DatagramSender = sendUnixDatagram,
  every: (fn: () => void, ms: number) => () => void = repeat,
): SystemdNotifier {
  const log = logger.withTag('systemd');
  const socket = env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') return NONE;
  const target = notifySocketAddress(socket);
  if (!target.ok) {
    log.warn(`${target.reason}: systemd will not hear that the router is ready`);
    return NONE;
  }
  let failed = false;
  const notify = (state: string, quiet = false) => {
    try {
      send(target.address, state);
      if (!quiet) log.debug(`told systemd ${state}`);
      failed = false;
    } catch (err) {
      // A ping every few seconds: one warning until one gets through again.
      if (!quiet || !failed) log.warn(`could not tell systemd ${state} on ${socket}: ${errorMessage(err)}`);
      failed = quiet;
    }
  };
  return {
    ready: () => notify('READY=1'),
    stopping: () => notify('STOPPING=1'),
    watchdog: () => {
      const period = watchdogPeriodMs(env, process.pid);
      if (period === undefined) return () => {};
      log.debug(`telling systemd WATCHDOG=1 every ${period} ms`);
      notify('WATCHDOG=1', true);
      return every(() => notify('WATCHDOG=1', true), period);
    },
  };
}

function repeat(fn: () => void, ms: number): () => void {
  const timer = setInterval(fn, ms);
  // Never what keeps the process alive.
  timer.unref();
  return () => clearInterval(timer);
}
