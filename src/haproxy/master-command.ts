import { dirname, relative } from 'node:path';
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
  const config = relative(masterDirectory(input), input.configPath);
  const command = [input.haproxyBinary, '-W', '-S', `${input.masterSocketPath},mode,600`, ...configArgs(config), '-p', input.pidFile];
  if (input.takeOverFrom !== undefined) command.push('-x', input.adminSocketPath, '-sf', String(input.takeOverFrom));
  return command;
}

/**
 * The directory a master runs in, one haproxy may go back to whatever the
 * router's own is (haproxy returns to it after each file it reads). Its
 * configuration is named relative to it: the master re-executes itself
 * with the path of every file it loaded in one environment variable
 * (`HAPROXY_CFGFILES`), which Linux caps at 128 KiB, and short names let
 * the configuration spread over more files (config/config-files.ts).
 */
export function masterDirectory(input: Pick<MasterCommandInput, 'pidFile'>): string {
  return dirname(input.pidFile);
}

/** Why a master did not start, in haproxy's words, with what it means when the ports are taken. */
export function startFailure(alerts: readonly string[], timeoutMs: number): string {
  if (alerts.length === 0) return `haproxy failed to start: no worker within ${timeoutMs} ms`;
  const inUse = alerts.some((a) => a.includes('Address already in use'));
  const hint = inUse ? ' (another process, perhaps another router, already listens on these ports; this one stops rather than share them)' : '';
  return `haproxy failed to start${hint}: ${alerts.join('; ')}`;
}
