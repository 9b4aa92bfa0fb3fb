import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listTree } from './tree.ts';

/**
 * A host for install.sh without --root, inside a private mount namespace:
 * /etc, /usr/local and /var/lib are overlays whose upper dirs collect exactly
 * what the installer wrote (the real ones are never touched), and systemctl,
 * useradd, userdel, getent, chown and haproxy are stand-ins that log each call
 * and keep just enough state (unit active, main PID, user present) to answer
 * the installer's questions. SIGUSR2 to the main process starts a new one,
 * as Restart=always does after a hand-over.
 */

const OVERLAID = ['etc', 'usr/local', 'var/lib'] as const;

const TOOLS: Record<string, string> = {
  systemctl: `
case $1 in
  daemon-reload | reset-failed) ;;
  is-enabled) [ -e "$S/enabled" ] ;;
  enable) touch "$S/enabled" ;;
  disable) rm -f "$S/enabled"; [ "$2" != --now ] || rm -f "$S/main-pid" ;;
  is-active) [ -e "$S/main-pid" ] ;;
  start)
    # A router that fails its first start has already written its working dir (a generated key, say).
    if [ -e "$S/fail-start" ]; then mkdir -p /var/lib/router/certs && echo key >/var/lib/router/certs/default-generated.pem; exit 1; fi
    echo 100 >"$S/main-pid" ;;
  stop) rm -f "$S/main-pid" ;;
  show)
    case $3 in
      MainPID) cat "$S/main-pid" 2>/dev/null || echo 0 ;;
      ActiveState) if [ -e "$S/main-pid" ]; then echo active; else echo inactive; fi ;;
    esac ;;
  kill)
    if [ -e "$S/main-pid" ] && [ "$2" = --kill-who=main ] && [ "$4" = SIGUSR2 ]; then echo $(($(cat "$S/main-pid") + 1)) >"$S/main-pid"; fi ;;
  *) exit 1 ;;
esac`,
  useradd: 'touch "$S/user"',
  userdel: 'rm "$S/user"',
  getent: '[ -e "$S/user" ] && echo "router:x:999:999::/var/lib/router:/usr/sbin/nologin"',
  chown: ':',
};

const haproxyBanner = (version: string) => `echo "HAProxy version ${version} 2025/01/01 - https://haproxy.org/"`;
/** apt-get "installs" haproxy 2.6 next to itself. */
const APT_GET = `if [ "$1" = install ]; then printf '#!/bin/sh\\n${haproxyBanner('2.6.12-1+deb12u4')}\\n' >"$(dirname "$0")/haproxy"; chmod 0755 "$(dirname "$0")/haproxy"; fi`;

export interface FakeHost {
  /** PATH entries to put first: the stand-in tools. */
  readonly bin: string;
  /** Environment the stand-ins need. */
  readonly env: Record<string, string>;
  /** Wraps a command so it runs in the namespace with the overlays mounted. */
  wrap(cmd: string[]): string[];
  /** Every call of a stand-in since the last `takeCalls`, in order. */
  takeCalls(): string[];
  /** What the installer left under the overlaid dirs: entries of the upper dirs, as listTree gives them. */
  written(): string[];
  /** The content of a file the installer wrote, by its path on the host. */
  file(path: string): string;
  /** From now on `systemctl start` fails, after writing into /var/lib/router as a router's first start does. */
  failStart(): void;
  /** Runs a stand-in (e.g. systemctl) in the namespace, as an operator would between two installer runs. */
  tool(cmd: string[]): void;
  readonly mainPid: () => number | undefined;
}

/**
 * `haproxy` is the version the host has, or null for none (apt-get then
 * installs 2.6); give the installer a PATH without /usr/sbin then, or it finds the real one.
 */
export function fakeHost(dir: string, opts: { haproxy?: string | null } = {}): FakeHost {
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  const calls = join(state, 'calls');
  for (const d of [bin, state, ...OVERLAID.flatMap((o) => [join(dir, 'upper', o), join(dir, 'work', o)])]) mkdirSync(d, { recursive: true });
  const haproxy = opts.haproxy === undefined ? '2.6.12-1+deb12u4' : opts.haproxy;
  const tools = { ...TOOLS, 'apt-get': APT_GET, ...(haproxy === null ? {} : { haproxy: haproxyBanner(haproxy) }) };
  for (const [tool, body] of Object.entries(tools)) {
    writeFileSync(join(bin, tool), `#!/bin/sh\nS=$FAKE_HOST_STATE\necho "${tool} $*" >>"$S/calls"\n${body.trim()}\n`, { mode: 0o755 });
  }
  writeFileSync(calls, '');
  // /run gets a tmpfs of its own: the installer's lock file stays in the namespace.
  const mounts = [
    ...OVERLAID.map((o) => `mount -t overlay overlay -o "lowerdir=/${o},upperdir=$0/upper/${o},workdir=$0/work/${o}" "/${o}"`),
    'mount -t tmpfs -o size=1m,mode=0755 tmpfs /run',
  ].join(' && ');
  return {
    bin,
    env: { FAKE_HOST_STATE: state },
    wrap: (cmd) => ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${mounts} && exec "$@"`, dir, ...cmd],
    takeCalls() {
      const lines = readFileSync(calls, 'utf8').split('\n').filter(Boolean);
      writeFileSync(calls, '');
      return lines;
    },
    written: () => OVERLAID.flatMap((o) => listTree(join(dir, 'upper', o)).map((e) => e.replace(/^(\S+ \S+) /, `$1 /${o}/`))),
    file: (path) => readFileSync(join(dir, 'upper', path), 'utf8'),
    failStart: () => writeFileSync(join(state, 'fail-start'), ''),
    tool(cmd) {
      const [name = '', ...args] = cmd;
      const r = Bun.spawnSync([join(bin, name), ...args], { env: { ...process.env, FAKE_HOST_STATE: state } });
      if (r.exitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${r.exitCode}`);
    },
    mainPid() {
      try {
        return Number(readFileSync(join(state, 'main-pid'), 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
}
