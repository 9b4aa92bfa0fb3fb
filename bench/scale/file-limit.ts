/** The open-file limit the router runs under in a benchmark. */
import { fileLimit } from './proc-stats.ts';

/** The unit's LimitNOFILE for the router, when this host lets us set it; else the limit in force, reported. */
export function openFileLimit(wanted: number): { prefix: string[]; limit: number; note: string } {
  const prefix = ['prlimit', `--nofile=${wanted}:${wanted}`, '--'];
  if (Bun.spawnSync([...prefix, 'true'], { stderr: 'pipe' }).exitCode === 0) return { prefix, limit: wanted, note: `raised to ${wanted} for the router (prlimit), as LimitNOFILE does` };
  const { soft, hard } = fileLimit();
  return { prefix: [], limit: Number(soft), note: `${soft} (soft) / ${hard} (hard): could not be raised to ${wanted} here (no CAP_SYS_RESOURCE)` };
}
