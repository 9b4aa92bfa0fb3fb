import { mkdtempSync, rmSync } from 'node:fs';

/**
 * A short temp dir: haproxy's unix socket paths must stay under ~100 bytes,
 * which deep temp paths would exceed.
 */
export function shortTempDir(prefix = 'rt'): { path: string; remove(): void } {
  const path = mkdtempSync(`/tmp/${prefix}-`);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
