import { dlopen, FFIType, ptr } from 'bun:ffi';

/** Linux's SCHED_IDLE policy (sched.h). */
const SCHED_IDLE = 5;

let libc: { sched_setscheduler: (pid: number, policy: number, param: number) => number } | null | undefined;

/** sched_setscheduler(2) from the C library: neither Bun nor node:os offers it. Null where there is none to load. */
function symbols(): typeof libc {
  if (libc !== undefined) return libc;
  try {
    libc = dlopen('libc.so.6', { sched_setscheduler: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 } }).symbols;
  } catch {
    libc = null;
  }
  return libc;
}

/**
 * Puts process `pid` in the idle scheduling class: it runs only on a CPU
 * nothing else wants, and any other thread that wakes takes the CPU from it
 * at once (nice 19 only weighs it 1 to 68 against the rest, and it still
 * got slices while changes waited). Any process may move itself or its own
 * children there. False if it could not be done (already exited, no such
 * call).
 */
export function scheduleIdle(pid: number): boolean {
  const call = symbols();
  if (!call) return false;
  // struct sched_param: the priority, 0 for this policy.
  const param = new Int32Array([0]);
  return call.sched_setscheduler(pid, SCHED_IDLE, ptr(param)) === 0;
}
