/**
 * One router under test: the built dist/router (or, with PROFILE, the same
 * code from source under `bun --cpu-prof`) against the fake API server,
 * started as systemd would start it (its own open-file limit), its log kept
 * in a file.
 */
import type { Subprocess } from 'bun';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePortPair } from '../../test/support/net.ts';
import { socketCommand } from '../../src/haproxy/runtime-api/socket-command.ts';
import { stop, track, trackRunDir } from './children.ts';
import type { Ports } from './probe.ts';

const root = resolve(import.meta.dir, '../..');

export interface ApiAccess {
  url: string;
  token: string;
  caPem: string;
}

export interface RouterRun {
  proc: Subprocess;
  ports: Ports;
  workDir: string;
  runDir: string;
  logFile: string;
  /** performance.now() when it was spawned. */
  spawnedAt: number;
  stop(): Promise<void>;
}

export interface RouterRunOptions {
  api: ApiAccess;
  dir: string;
  /** `prlimit --nofile=N:N` prefix, when this host lets us raise the limit. */
  limitPrefix: string[];
  /** Directory for CPU and heap profiles: runs src/main.ts under `bun --cpu-prof --heap-prof` instead of dist/router. */
  profileDir?: string;
  extraArgs: string[];
  /** Another build of the router to run instead of dist/router (two builds side by side). */
  binary?: string;
}

/**
 * Copies a stream to `path`, each line prefixed with the time it was read
 * (ms since the epoch): JavaScriptCore's collection lines carry no time of
 * their own, and joining them with the changes needs one.
 */
async function stampLines(stream: ReadableStream<Uint8Array>, path: string): Promise<void> {
  const out = Bun.file(path).writer();
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of stream) {
    const at = (performance.timeOrigin + performance.now()).toFixed(1);
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) out.write(`${at} ${line}\n`);
    out.flush();
  }
  if (rest !== '') out.write(`${rest}\n`);
  await out.end();
}

/**
 * JavaScriptCore's switches (BUN_JSC_*) and Bun's collector timer
 * (BUN_GC_TIMER_DISABLE, BUN_GC_TIMER_INTERVAL) as the bench was given
 * them, and ROUTER_BUN_<X> as BUN_<X> for the router alone (the bench and
 * its pods keep theirs).
 */
const jscOptions = (): Record<string, string> => {
  const given = Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined);
  return Object.fromEntries([
    ...given.filter(([k]) => /^BUN_(JSC|GC)_/.test(k)),
    ...given.filter(([k]) => k.startsWith('ROUTER_BUN_')).map(([k, v]) => [k.slice('ROUTER_'.length), v]),
  ]);
};

export async function startRouter(opts: RouterRunOptions): Promise<RouterRun> {
  const [http, https] = await freePortPair();
  const workDir = join(opts.dir, 'work');
  mkdirSync(workDir, { recursive: true });
  const tokenFile = join(opts.dir, 'token');
  const caFile = join(opts.dir, 'api-ca.crt');
  writeFileSync(tokenFile, opts.api.token);
  writeFileSync(caFile, opts.api.caPem);
  const logFile = join(opts.dir, 'router.log');
  const program = opts.profileDir
    ? ['bun', '--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${opts.profileDir}`, '--heap-prof', '--heap-prof-md', `--heap-prof-dir=${opts.profileDir}`, join(root, 'src/main.ts')]
    : [opts.binary ?? join(root, 'dist/router')];
  const args = [
    `--master=${opts.api.url}`,
    `--token-file=${tokenFile}`,
    `--certificate-authority=${caFile}`,
    '--allow-loopback-endpoints',
    '--bind-address=127.0.0.1',
    `--http-port=${http}`,
    `--https-port=${https}`,
    `--working-dir=${workDir}`,
    '--log-format=json',
    '--loglevel=warn',
    ...opts.extraArgs,
  ];
  const runDir = join(workDir, 'run');
  trackRunDir(runDir);
  const spawnedAt = performance.now();
  const proc = track(
    'router',
    Bun.spawn([...opts.limitPrefix, ...program, ...args], {
      // The collector's switches (BUN_JSC_logGC=true: each collection's pause, on stderr) reach the router under test.
      env: { ...jscOptions(), PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' },
      stdin: 'ignore',
      stdout: Bun.file(logFile),
      stderr: process.env.BUN_JSC_logGC ? 'pipe' : Bun.file(`${logFile}.stderr`),
    }),
  );
  if (proc.stderr instanceof ReadableStream) void stampLines(proc.stderr, `${logFile}.stderr`);
  // A heap profile of a large router takes a while to write at exit: SIGKILL would lose it.
  const graceMs = opts.profileDir ? 300_000 : 30_000;
  return { proc, ports: { http, https }, workDir, runDir, logFile, spawnedAt, stop: () => stop(proc, graceMs) };
}

/** Resolves once haproxy answers on the HTTP port (ports are bound only with the first complete configuration). */
export async function untilListening(run: RouterRun, deadlineMs: number): Promise<number | undefined> {
  for (;;) {
    // The timeout can also fire while the body is read: that is no answer either, not an error.
    const answered = await fetch(`http://127.0.0.1:${run.ports.http}/`, { headers: { Host: 'nobody.invalid' }, signal: AbortSignal.timeout(1000) })
      .then(async (r) => (await r.arrayBuffer(), true))
      .catch(() => false);
    const now = performance.now();
    if (answered) return now - run.spawnedAt;
    if (run.proc.exitCode !== null || run.proc.signalCode !== null || now - run.spawnedAt > deadlineMs) return undefined;
    await Bun.sleep(5);
  }
}

async function reloadCount(run: RouterRun): Promise<number> {
  const reply = await socketCommand(join(run.runDir, 'master.sock'), 'show proc', 2000).catch(() => '');
  // `<pid> master <reloads> [failed: <n>] <uptime> <version>`
  return Number(/master\s+(\d+)/.exec(reply)?.[1] ?? Number.NaN);
}

/** The master's reload counter; its socket is briefly gone while the master re-executes, so retried. */
export async function masterReloads(run: RouterRun): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = await reloadCount(run);
    if (Number.isFinite(n)) return n;
    await Bun.sleep(100);
  }
  return Number.NaN;
}

/** Resolves once the master has counted more than `before` reloads (its socket polled every few ms); false at the deadline. */
export async function untilReloaded(run: RouterRun, before: number, t0: number, deadlineMs: number): Promise<boolean> {
  while (performance.now() - t0 < deadlineMs) {
    if ((await reloadCount(run)) > before) return true;
    await Bun.sleep(5);
  }
  return false;
}

/** The router's log lines (JSON) that match, e.g. warnings worth reporting. */
export function logLines(run: RouterRun, match: RegExp): string[] {
  const text = [run.logFile, `${run.logFile}.stderr`].map((f) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  });
  return text.join('\n').split('\n').filter((l) => match.test(l));
}
