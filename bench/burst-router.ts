/**
 * The whole router for the API burst benchmark (ROUTER=1): in-process, on
 * the given source, with haproxy on free loopback ports and a temporary
 * working dir that `stop()` removes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Source } from '../src/domain/events.ts';
import type { Logger } from '../src/log.ts';
import { freePortPair } from '../test/support/net.ts';

export interface BenchRouter {
  flush(): Promise<void>;
  /** Commits completed so far. */
  commits(): number;
  stop(): Promise<void>;
}

/** `src`: the src/ directory to load the router from. */
export async function startBenchRouter(src: string, source: Source, logger: Logger): Promise<BenchRouter> {
  const { parseOptions } = (await import(join(src, 'cli/parse-options.ts'))) as typeof import('../src/cli/parse-options.ts');
  const { startRouter } = (await import(join(src, 'router.ts'))) as typeof import('../src/router.ts');
  const dir = mkdtempSync(join(tmpdir(), 'rburst-'));
  const [httpPort, httpsPort] = await freePortPair();
  const parsed = parseOptions(
    ['--bind-address=127.0.0.1', `--http-port=${httpPort}`, `--https-port=${httpsPort}`, '--interval=0s', `--working-dir=${join(dir, 'w')}`],
    { ROUTER_GRACEFUL_SHUTDOWN_DELAY: '0s' },
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  let commits = 0;
  const router = await startRouter(parsed.options, { logger, source, env: {} });
  const count = (): void => {
    void router.nextCommit().then(() => {
      commits++;
      count();
    });
  };
  count();
  return {
    flush: () => router.flush(),
    commits: () => commits,
    async stop() {
      await router.stopNow();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
