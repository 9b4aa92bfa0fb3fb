import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtRouter, haproxyPidsUsing } from './processes.ts';

/** dist/router running as its own process on a manifest dir, its JSON log lines readable as they come. */
export interface BinaryRouter {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  runDir: string;
  lines: string[];
  /** Resolves with the first line (already logged or future) that matches; rejects if the router exits first. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  /** Resolves once the first configuration serves ("router ready"). */
  ready(): Promise<void>;
  /** The exit code, once every line it wrote has been read. */
  exited: Promise<number>;
  /** The pid the haproxy pid file names now. */
  masterPid(): number;
}

export interface BinaryRouterOptions {
  /** undefined: the routes come from what `args` name (a Kubernetes connection). */
  manifestsDir: string | undefined;
  workingDir: string;
  httpPort: number;
  httpsPort: number;
  args?: string[];
  /** Added to a minimal environment; ROUTER_GRACEFUL_SHUTDOWN_DELAY is 0s unless given here. */
  env?: Record<string, string>;
  /** Its own process group, as from a shell: a group-wide signal then reaches the router only. */
  detached?: boolean;
  /** Started under this open-file limit (soft and hard, with prlimit, which execs it: the pid stays the router's). */
  openFileLimit?: number;
}

/** Starts dist/router without waiting for it; stop it with killBinaryRouter. */
export function spawnBinaryRouter(opts: BinaryRouterOptions): BinaryRouter {
  const limit = opts.openFileLimit === undefined ? [] : ['prlimit', `--nofile=${opts.openFileLimit}:${opts.openFileLimit}`, '--'];
  const proc = Bun.spawn(
    [
      ...limit,
      builtRouter(),
      ...(opts.manifestsDir === undefined ? [] : [`--manifests=${opts.manifestsDir}`]),
      `--working-dir=${opts.workingDir}`,
      '--bind-address=127.0.0.1',
      `--http-port=${opts.httpPort}`,
      `--https-port=${opts.httpsPort}`,
      '--log-format=json',
      '--interval=0s',
      ...(opts.args ?? []),
    ],
    {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s', ...opts.env },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      detached: opts.detached ?? false,
    },
  );
  const lines: string[] = [];
  let waiters: { match: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  const pump = (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    for await (const chunk of proc.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (process.env.ROUTER_TEST_LOGS) process.stderr.write(`${line}\n`);
        waiters = waiters.filter((w) => !(w.match(line) && (w.resolve(line), true)));
      }
    }
  })();
  const exited = Promise.all([proc.exited, pump]).then(([code]) => code);
  const stderr = new Response(proc.stderr).text();
  const waitForLine = (match: (l: string) => boolean) => {
    const found = lines.find(match);
    if (found !== undefined) return Promise.resolve(found);
    const seen = new Promise<string>((resolve) => waiters.push({ match, resolve }));
    const ended = exited.then(async (code) => {
      throw new Error(`router exited (${code}) before the line awaited; stderr: ${await stderr}; last lines:\n${lines.slice(-5).join('\n')}`);
    });
    return Promise.race([seen, ended]);
  };
  const runDir = join(opts.workingDir, 'run');
  return {
    proc,
    runDir,
    lines,
    waitForLine,
    ready: () => waitForLine((l) => l.includes('router ready')).then(() => {}),
    exited,
    masterPid: () => Number(readFileSync(join(runDir, 'haproxy.pid'), 'utf8').trim()),
  };
}

/** Teardown: the router and every haproxy of its working dir, by pid, whatever state the test left them in. */
export function killBinaryRouter(router: BinaryRouter): void {
  if (router.proc.exitCode === null && router.proc.signalCode === null) router.proc.kill('SIGKILL');
  for (const pid of haproxyPidsUsing(router.runDir)) process.kill(pid, 'SIGKILL');
}

/** Whether a log line is a JSON record whose message contains `text`. */
export function logSays(text: string): (line: string) => boolean {
  return (line) => {
    try {
      return (JSON.parse(line) as { msg?: string }).msg?.includes(text) ?? false;
    } catch {
      return false;
    }
  };
}
