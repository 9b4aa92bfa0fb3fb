/**
 * File descriptors haproxy needs besides two per connection and one per
 * health check: listeners, sockets, and its own margin.
 */
export const FD_RESERVE = 1000;

/**
 * haproxy refuses to start when it cannot raise its fd limit to about
 * 2 * maxconn + reserve (upstream's default 50000 needs ~100k), so maxconn is
 * lowered to what the limit allows, and the caller warns with the numbers.
 */
export function sizeMaxConnections(requested: number, fdLimit: number | undefined, checks: number): number {
  if (fdLimit === undefined || fdLimit === Number.POSITIVE_INFINITY) return requested;
  const fitting = Math.floor((fdLimit - FD_RESERVE - checks) / 2);
  return Math.max(1, Math.min(requested, fitting));
}
