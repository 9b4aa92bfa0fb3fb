import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Subprocess } from 'bun';

/**
 * A host run by a real systemd, for install.sh and packaging/router.service
 * end to end: systemd boots as PID 1 of new pid, mount, network and uts
 * namespaces, on an overlay of this machine's root (systemd/boot.sh), so
 * whatever it, the installer or the router write stays in memory, and every
 * packet stays on a loopback of its own. `share` is seen inside as /srv/test.
 */
export interface SystemdHost {
  /** A command inside (all of systemd's namespaces and its root). */
  run(cmd: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A command in the host's network namespace only, so it can run this repo's code and reach the router. */
  spawnInNetwork(cmd: string[]): Subprocess<'pipe', 'pipe', 'inherit'>;
  /** A unit property, as `systemctl show -p` gives it. */
  unitProperty(unit: string, property: string): Promise<string>;
  /** haproxy masters inside, as (inner) PIDs: processes named haproxy whose parent is not one. */
  haproxyMasters(): Promise<number[]>;
  /** Kills systemd, and with it every process of its namespaces. */
  stop(): Promise<void>;
}

const BOOT = join(import.meta.dir, 'systemd', 'boot.sh');
const SYSTEMD = '/lib/systemd/systemd';

/** Why a systemd host cannot be made here, or undefined when it can. */
export function systemdHostUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root';
  for (const tool of ['unshare', 'nsenter', 'chroot', 'ip']) if (!Bun.which(tool)) return `${tool} is missing`;
  if (!existsSync(SYSTEMD)) return 'systemd is not installed';
  const filesystems = readFileSync('/proc/filesystems', 'utf8');
  if (!/\boverlay\b/.test(filesystems) || !/\bcgroup2\b/.test(filesystems)) return 'the kernel lacks overlay or cgroup2';
  const probe = Bun.spawnSync(['unshare', '--pid', '--fork', '--mount', '--net', 'sh', '-c', 'mount --make-rprivate / && mount -t tmpfs tmpfs /mnt && mkdir /mnt/c && mount -t cgroup2 none /mnt/c']);
  if (probe.exitCode !== 0) return `namespaces or mounts are refused here: ${probe.stderr.toString().trim()}`;
  return undefined;
}

const childOf = (pid: number): number | undefined => {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children ? Number(children.split(' ')[0]) : undefined;
  } catch {
    return undefined;
  }
};

async function output(proc: Subprocess<'ignore', 'pipe', 'pipe'>) {
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

export async function bootSystemdHost(share: string, timeoutMs = 60_000): Promise<SystemdHost> {
  const unshare = Bun.spawn(['unshare', '--pid', '--fork', '--mount', '--net', '--uts', '--kill-child', BOOT, share], { stdout: 'pipe', stderr: 'pipe' });
  const deadline = Date.now() + timeoutMs;
  let systemd: number | undefined;
  const stop = async () => {
    if (systemd !== undefined) process.kill(systemd, 'SIGKILL');
    unshare.kill('SIGKILL');
    await unshare.exited;
  };
  try {
    // boot.sh execs chroot, which execs systemd: the one child of unshare becomes it.
    while (systemd === undefined || !readFileSync(`/proc/${systemd}/cmdline`, 'utf8').startsWith(SYSTEMD)) {
      if (unshare.exitCode !== null) throw new Error(`the systemd host did not boot: ${await new Response(unshare.stderr).text()}`);
      if (Date.now() > deadline) throw new Error('systemd did not start');
      await Bun.sleep(50);
      systemd = childOf(unshare.pid);
    }
    const pid = systemd;
    const run = (cmd: string[]) => output(Bun.spawn(['nsenter', '-t', String(pid), '-a', '-r', '-w', ...cmd], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' }));
    // Polled: `is-system-running --wait` needs the bus, which may not be up when it is asked.
    for (;;) {
      const state = (await run(['systemctl', 'is-system-running'])).stdout.trim();
      if (state === 'running') break;
      // A unit of this machine's own that fails in a container says nothing about the router's.
      if (state === 'degraded') {
        console.warn(`the systemd host booted degraded:\n${(await run(['systemctl', '--failed', '--no-pager'])).stdout}`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`systemd did not finish booting (${state})`);
      await Bun.sleep(100);
    }
    return {
      run,
      spawnInNetwork: (cmd) => Bun.spawn(['nsenter', '-t', String(pid), '-n', ...cmd], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' }),
      unitProperty: async (unit, property) => (await run(['systemctl', 'show', '-p', property, '--value', unit])).stdout.trim(),
      haproxyMasters: async () => {
        const rows = (await run(['ps', '-C', 'haproxy', '-o', 'pid=,ppid='])).stdout
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
        const pids = new Set(rows.map(([p]) => p));
        return rows.filter(([, parent]) => !pids.has(parent)).map(([p]) => p);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
