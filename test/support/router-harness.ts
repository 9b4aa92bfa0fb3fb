import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseOptions } from '../../src/cli/parse-options.ts';
import { captureLogs, type LogRecord } from './log-capture.ts';
import { startRouter, type RouterDeps, type RunningRouter } from '../../src/router.ts';
import { manifestSource } from '../../src/sources/create-source.ts';
import type { ManifestSource } from '../../src/sources/manifest/manifest-source.ts';
import { freePortPair, get, type HttpAnswer } from './net.ts';
import { shortTempDir } from './workdir.ts';


/** A router running in this process on a manifest dir, with a real haproxy on loopback ports. */
export interface TestRouter {
  router: RunningRouter;
  source: ManifestSource;
  httpPort: number;
  httpsPort: number;
  manifestsDir: string;
  workingDir: string;
  logs: LogRecord[];
  /** Writes (or overwrites) a manifest file and waits until the change is committed. */
  write(file: string, text: string): Promise<void>;
  remove(file: string): Promise<void>;
  get(host: string, path?: string, headers?: Record<string, string>): Promise<HttpAnswer>;
  /** Resolves with the first log record (already logged or future) that matches. */
  waitForLog(match: (r: LogRecord) => boolean): Promise<LogRecord>;
  stop(): Promise<void>;
}

export async function startTestRouter(
  opts: {
    manifests?: Record<string, string>;
    args?: string[];
    /** Environment settings; ROUTER_GRACEFUL_SHUTDOWN_DELAY is 0 unless given, so stopping a test router is quick. */
    env?: Record<string, string>;
    wrapRuntime?: RouterDeps['wrapRuntime'];
    wrapChecker?: RouterDeps['wrapChecker'];
    wrapFileWriter?: RouterDeps['wrapFileWriter'];
    supervisorHooks?: RouterDeps['supervisorHooks'];
    renderTurn?: RouterDeps['renderTurn'];
    collectWhenIdle?: RouterDeps['collectWhenIdle'];
    cpus?: RouterDeps['cpus'];
    /** HTTP and HTTPS ports, when the test must know them before the router starts. */
    ports?: [number, number];
  } = {},
): Promise<TestRouter> {
  const tmp = shortTempDir();
  const manifestsDir = join(tmp.path, 'm');
  const workingDir = join(tmp.path, 'w');
  await Bun.write(join(manifestsDir, '.keep'), '');
  for (const [file, text] of Object.entries(opts.manifests ?? {})) writeFileSync(join(manifestsDir, file), text);
  const [httpPort, httpsPort] = opts.ports ?? (await freePortPair());
  const parsed = parseOptions(
    [
      `--manifests=${manifestsDir}`,
      `--working-dir=${workingDir}`,
      '--bind-address=127.0.0.1',
      `--http-port=${httpPort}`,
      `--https-port=${httpsPort}`,
      '--interval=0s',
      ...(opts.args ?? []),
    ],
    { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s', ...opts.env },
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const { logger, logs, waitForLog } = captureLogs();
  const source = manifestSource(manifestsDir, parsed.options, logger);
  const router = await startRouter(parsed.options, {
    logger,
    source,
    ...(opts.wrapRuntime ? { wrapRuntime: opts.wrapRuntime } : {}),
    ...(opts.wrapChecker ? { wrapChecker: opts.wrapChecker } : {}),
    ...(opts.wrapFileWriter ? { wrapFileWriter: opts.wrapFileWriter } : {}),
    ...(opts.supervisorHooks ? { supervisorHooks: opts.supervisorHooks } : {}),
    ...(opts.renderTurn ? { renderTurn: opts.renderTurn } : {}),
    ...(opts.collectWhenIdle ? { collectWhenIdle: opts.collectWhenIdle } : {}),
    ...(opts.cpus ? { cpus: opts.cpus } : {}),
  });

  /** Rescans explicitly so the test does not depend on inotify timing, then waits for the commit. */
  const settle = async () => {
    await source.rescan();
    await router.flush();
  };
  return {
    router,
    source,
    httpPort,
    httpsPort,
    manifestsDir,
    workingDir,
    logs,
    async write(file, text) {
      writeFileSync(join(manifestsDir, file), text);
      await settle();
    },
    async remove(file) {
      rmSync(join(manifestsDir, file), { force: true });
      await settle();
    },
    get: (host, path, headers) => get(httpPort, host, path, headers),
    waitForLog,
    async stop() {
      await router.stop();
      tmp.remove();
    },
  };
}
