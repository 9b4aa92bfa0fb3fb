import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import { notifySocketAddress } from './notify-address.ts';
import { sendUnixDatagram, type DatagramSender } from './unix-datagram.ts';

/**
 * The sd_notify protocol, for `Type=notify` units: READY=1 tells systemd the
 * start is complete (so `systemctl start` returns and ordered units follow
 * only once haproxy serves), STOPPING=1 that a stop has begun. Outside
 * systemd (no NOTIFY_SOCKET) both do nothing.
 */
export interface SystemdNotifier {
  ready(): void;
  stopping(): void;
}

export function systemdNotifier(env: Readonly<Record<string, string | undefined>>, logger: Logger, send: DatagramSender = sendUnixDatagram): SystemdNotifier {
  const log = logger.withTag('systemd');
  const socket = env.NOTIFY_SOCKET;
  if (socket === undefined || socket === '') return { ready() {}, stopping() {} };
  const target = notifySocketAddress(socket);
  if (!target.ok) {
    log.warn(`${target.reason}: systemd will not hear that the router is ready`);
    return { ready() {}, stopping() {} };
  }
  const notify = (state: string) => {
    try {
      send(target.address, state);
      log.debug(`told systemd ${state}`);
    } catch (err) {
      log.warn(`could not tell systemd ${state} on ${socket}: ${errorMessage(err)}`);
    }
  };
  return {
    ready: () => notify('READY=1'),
    stopping: () => notify('STOPPING=1'),
  };
}
