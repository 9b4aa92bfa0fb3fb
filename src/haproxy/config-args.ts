import { dirname } from 'node:path';

/**
 * haproxy's arguments for a generation: `haproxy.config` first, then every
 * `*.cfg` file beside it in name order (config/config-files.ts). The
 * directory goes through the same `conf` link as the file, so a reload
 * reads one generation, whole.
 */
export function configArgs(configPath: string): string[] {
  return ['-f', configPath, '-f', dirname(configPath)];
}
