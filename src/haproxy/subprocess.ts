/** Whether a child has ended: Bun leaves `exitCode` null for one killed by a signal, and sets `signalCode` instead. */
export function hasExited(proc: Bun.Subprocess): boolean {
  return proc.exitCode !== null || proc.signalCode !== null;
}
