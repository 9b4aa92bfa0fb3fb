import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { configText } from '../../src/config/config-files.ts';

/** The configuration on disk as haproxy reads it (`haproxy.config`, then the `*.cfg` files beside it). */
export function readConfigText(configPath: string): string {
  const dir = dirname(configPath);
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) if (name === 'haproxy.config' || name.endsWith('.cfg')) files.set(name, readFileSync(join(dir, name), 'utf8'));
  return configText(files);
}
