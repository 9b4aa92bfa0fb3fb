import { isCheckBackendName } from '../../../src/domain/names.ts';
import { createRuntimeClient } from '../../../src/haproxy/runtime-api/runtime-client.ts';

/** Route servers the worker holds in maintenance: those the router took out and has not deleted yet. */
export async function waitingServers(socketPath: string): Promise<string[]> {
  const state = await createRuntimeClient(socketPath).showServersState();
  return state.filter((s) => !isCheckBackendName(s.backend) && (s.adminState & 1) === 1).map((s) => `${s.backend}/${s.server}`);
}

/**
 * Resolves once the worker holds no route server waiting for deletion (the
 * router deletes them once no update ran for a while, and retries those
 * haproxy refuses while connections close); rejects after `timeoutMs`. The
 * router announces no such moment, so the worker is asked.
 */
export async function untilNoServerWaits(socketPath: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let left = await waitingServers(socketPath);
  while (left.length > 0) {
    if (performance.now() > deadline) throw new Error(`servers still waiting for deletion after ${timeoutMs} ms: ${left.join(', ')}`);
    await Bun.sleep(20);
    left = await waitingServers(socketPath);
  }
}
