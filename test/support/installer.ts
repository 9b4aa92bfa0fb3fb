import { mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const INSTALLER = resolve(import.meta.dir, '../../install.sh');

export interface InstallerRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The run's own working directory, TMPDIR and HOME, fresh and empty when it started. */
  scratch: string[];
}

/**
 * Runs install.sh with Debian's sh (dash, so bashisms fail) from an empty
 * directory with its own TMPDIR and HOME, made under `scratchParent`.
 * `pathFirst` directories shadow the host's tools; `wrap` runs it inside something (a namespace).
 */
export async function runInstaller(
  args: string[],
  opts: { scratchParent: string; env?: Record<string, string>; pathFirst?: string[]; wrap?: (cmd: string[]) => string[] },
): Promise<InstallerRun> {
  const scratch = ['cwd', 'tmpdir', 'home'].map((name) => mkdtempSync(join(opts.scratchParent, `${name}-`)));
  const [cwd, tmpdir, home] = scratch as [string, string, string];
  const cmd = ['sh', INSTALLER, ...args];
  const proc = Bun.spawn(opts.wrap ? opts.wrap(cmd) : cmd, {
    cwd,
    env: { PATH: [...(opts.pathFirst ?? []), process.env.PATH ?? '/usr/bin:/bin'].join(':'), TMPDIR: tmpdir, HOME: home, ...opts.env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr, scratch };
}
