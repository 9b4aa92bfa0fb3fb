import { configArgs } from './config-args.ts';

export interface MasterCommandInput {
  haproxyBinary: string;
  masterSocketPath: string;
  configPath: string;
  pidFile: string;
  adminSocketPath: string;
  /** A running master of the same working dir whose listening sockets the new one takes over. */
  takeOverFrom?: number;
}

/**
 * The command line of an haproxy master in master-worker mode. Taking over,
 * it receives the predecessor's listening sockets through that worker's admin
 * socket (`-x`, served thanks to `expose-fd listeners`) and then soft-stops
 * it (`-sf`): with `noreuseport` it could not bind them itself, and no
 * connection is refused or cut in between.
 */
export function masterCommand(input: MasterCommandInput): string[] {
  const command = [input.haproxyBinary, '-W', '-S', `${input.masterSocketPath},mode,600`, ...configArgs(input.configPath), '-p', input.pidFile];
  if (input.takeOverFrom !== undefined) command.push('-x', input.adminSocketPath, '-sf', String(input.takeOverFrom));
  return command;
}

/** Why a master did not start, in haproxy's words, with what it means when the ports are taken. */
export function startFailure(alerts: readonly string[], timeoutMs: number): string {
  if (alerts.length === 0) return `haproxy failed to start: no worker within ${timeoutMs} ms`;
  const inUse = alerts.some((a) => a.includes('Address already in use'));
  const hint = inUse ? ' (another process, perhaps another router, already listens on these ports; this one stops rather than share them)' : '';
  return `haproxy failed to start${hint}: ${alerts.join('; ')}`;
}
