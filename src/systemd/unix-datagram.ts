import { dlopen, FFIType, read } from 'bun:ffi';
import { constants } from 'node:os';

/**
 * Sends one datagram on a unix socket through libc: Bun has no datagram
 * sockets, and sending from this process (rather than spawning systemd-notify)
 * is what lets systemd attribute the message to the unit's main PID.
 */
export type DatagramSender = (address: Uint8Array, payload: string) => void;

const AF_UNIX = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
/** Never block the event loop on a full receive queue, and never die of SIGPIPE. */
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;

function openLibc() {
  return dlopen('libc.so.6', {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

let libc: ReturnType<typeof openLibc> | undefined;

const errnoNames = new Map(Object.entries(constants.errno).map(([name, code]) => [code, name]));

function lastError(call: string): Error {
  const errno = read.i32(libc!.__errno_location()!);
  return new Error(`${call} failed: ${errnoNames.get(errno) ?? `errno ${errno}`}`);
}

export const sendUnixDatagram: DatagramSender = (address, payload) => {
  libc ??= openLibc();
  const fd = libc.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw lastError('socket');
  try {
    const message = Buffer.from(payload);
    const sent = libc.sendto(fd, message, message.length, MSG_DONTWAIT | MSG_NOSIGNAL, address, address.length);
    if (Number(sent) !== message.length) throw lastError('sendto');
  } finally {
    libc.close(fd);
  }
};
