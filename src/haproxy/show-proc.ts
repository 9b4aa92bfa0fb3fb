/** What the master CLI's `show proc` says about the process tree. */
export interface ProcState {
  masterPid: number;
  /** Reloads the master performed, and how many of them failed to load a config. */
  reloads: number;
  failedReloads: number;
  /** Current workers (not the old ones still draining). */
  workerPids: number[];
  oldWorkerPids: number[];
}

/**
 * Parses haproxy 2.6+ `show proc` output:
 *   #<PID> <type> <reloads> <uptime> <version>
 *   1234   master 0 [failed: 0] 0d00h00m05s 2.6.12
 *   # workers
 *   1240   worker 0 0d00h00m05s 2.6.12
 *   # old workers
 */
export function parseShowProc(text: string): ProcState | undefined {
  let section: 'master' | 'workers' | 'old' | 'other' = 'master';
  const state: ProcState = { masterPid: 0, reloads: 0, failedReloads: 0, workerPids: [], oldWorkerPids: [] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#<PID>')) continue;
    if (line.startsWith('#')) {
      section = line === '# workers' ? 'workers' : line === '# old workers' ? 'old' : 'other';
      continue;
    }
    const fields = line.split(/\s+/);
    const pid = Number(fields[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    if (section === 'master' && fields[1] === 'master') {
      state.masterPid = pid;
      state.reloads = Number(fields[2]) || 0;
      const failed = /\[failed: (\d+)\]/.exec(line);
      state.failedReloads = failed ? Number(failed[1]) : 0;
    } else if (section === 'workers' && fields[1] === 'worker') {
      state.workerPids.push(pid);
    } else if (section === 'old' && fields[1] === 'worker') {
      state.oldWorkerPids.push(pid);
    }
  }
  return state.masterPid > 0 ? state : undefined;
}
