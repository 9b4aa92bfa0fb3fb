import { join, resolve } from 'node:path';
import { sniFrontendSocket } from './config/sni-frontends.ts';

/** Paths inside the working dir; sockets live in run/ so their paths stay short. */
export function workingPaths(workingDir: string) {
  const wd = resolve(workingDir);
  const run = join(wd, 'run');
  return {
    workingDir: wd,
    run,
    masterSocket: join(run, 'master.sock'),
    adminSocket: join(run, 'haproxy.sock'),
    sniSocket: join(run, 'haproxy-sni.sock'),
    noSniSocket: join(run, 'haproxy-no-sni.sock'),
    pidFile: join(run, 'haproxy.pid'),
    /** haproxy's stdout, its log channel (a named pipe, see haproxy/log-fifo.ts). */
    logFifo: join(run, 'haproxy-log.fifo'),
    certDir: join(wd, 'certs'),
  };
}

export type WorkingPaths = ReturnType<typeof workingPaths>;

/** haproxy refuses unix socket paths longer than this ("too long (max 97)"), with an error that does not say which. */
export const MAX_SOCKET_PATH_BYTES = 97;

export function checkSocketPaths(paths: WorkingPaths): void {
  // The certificate frontends' sockets carry a number after fe_sni's: room is kept for four digits.
  for (const socket of [paths.masterSocket, paths.adminSocket, paths.noSniSocket, sniFrontendSocket(paths.sniSocket, 9999)]) {
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`socket path ${socket} is longer than the ${MAX_SOCKET_PATH_BYTES} bytes haproxy accepts; use a shorter --working-dir`);
    }
  }
}
