import type { ConfigModel } from '../config/model.ts';
import { errorMessage } from '../errors.ts';
import type { RuntimeClient } from '../haproxy/runtime-api/runtime-client.ts';
import type { Logger } from '../log.ts';
import { planAfterLoad, serverDifferences } from '../plan/worker-check.ts';

/** How many server names a mismatch log line shows. */
const NAMED = 3;

/**
 * Brings a freshly loaded worker in line with `model` (health checks off
 * where they should not run) and checks that it holds exactly the model's
 * servers. Resolves false when it does not: the caller reloads from the
 * model. A socket that does not answer proves nothing either way.
 */
export async function checkLoadedWorker(runtime: RuntimeClient, model: ConfigModel, log: Logger): Promise<boolean> {
  const result = await runtime.apply(planAfterLoad(model)).catch((err: unknown) => ({ failed: [{ reply: errorMessage(err) }] }));
  if (result.failed.length > 0) log.warn(`could not switch off ${result.failed.length} health checks after loading: ${result.failed[0]?.reply.trim()}`);
  const running = await runtime.showServersState().catch(() => undefined);
  if (!running) return true;
  const { missing, unexpected } = serverDifferences(model, running);
  if (missing.length === 0 && unexpected.length === 0) return true;
  log.error(
    `the running worker does not hold the expected servers (missing: ${missing.slice(0, NAMED).join(', ') || 'none'}; unexpected: ${unexpected.slice(0, NAMED).join(', ') || 'none'}); reloading from the model`,
  );
  return false;
}
