import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dir, '../..');

/** The compiled executable, as shipped; scripts/test.sh builds it first, a bare `bun test` builds it here. */
export function builtRouter(): string {
  const binary = join(root, 'dist/router');
  if (existsSync(binary)) return binary;
  const build = Bun.spawnSync(['bun', 'run', 'build'], { cwd: root, stderr: 'pipe' });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  return binary;
}

/** PIDs of haproxy processes whose command line names `runDir` (master and workers alike). */
export function haproxyPidsUsing(runDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('haproxy') && cmdline.includes(runDir)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** The haproxy masters among haproxyPidsUsing(runDir): those whose parent is not one of them. */
export function haproxyMastersUsing(runDir: string): number[] {
  const pids = haproxyPidsUsing(runDir);
  return pids.filter((pid) => !pids.includes(parentOf(pid)));
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
