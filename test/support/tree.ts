import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every entry under `root` as "<type> <mode> <relative path>", sorted, with a
 * digest of each file's content when `withContent`: what a test compares
 * before and after.
 */
export function listTree(root: string, opts: { withContent?: boolean } = {}): string[] {
  const entries: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const stat = lstatSync(full);
      const type = stat.isDirectory() ? 'd' : stat.isSymbolicLink() ? 'l' : 'f';
      const path = prefix + name;
      const digest = opts.withContent && type === 'f' ? ` ${new Bun.CryptoHasher('sha256').update(readFileSync(full)).digest('hex').slice(0, 16)}` : '';
      entries.push(`${type} ${(stat.mode & 0o7777).toString(8).padStart(4, '0')} ${path}${digest}`);
      if (stat.isDirectory()) walk(full, `${path}/`);
    }
  };
  walk(root, '');
  return entries;
}
