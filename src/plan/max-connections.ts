/**
 * File descriptors haproxy needs besides two per connection: listeners,
 * sockets, one per health-checked server, and its own margin.
 */
export const FD_RESERVE = 1000;

/**
 * haproxy refuses to start when it cannot raise its fd limit to about
 * 2 * maxconn + reserve (upstream's default 50000 needs ~100k), so maxconn is
 * lowered to what the limit allows, and the caller warns with the numbers.
 */
export function sizeMaxConnections(requested: number, fdLimit: number | undefined, checkedServers: number): number {
  if (fdLimit === undefined || fdLimit === Number.POSITIVE_INFINITY) return requested;
  const fitting = Math.floor((fdLimit - FD_RESERVE - checkedServers) / 2);
  return Math.max(1, Math.min(requested, fitting));
}
