import type { Logger } from '../log.ts';
import { Backoff } from './backoff.ts';
import { describeKubeError, retryAfterMs, statusErrorFromResponse } from './errors.ts';
import { pause } from './pause.ts';
import type { KubeTransport } from './transport.ts';

export interface DiscoveryOptions {
  logger: Logger;
  /** Between tries after a failure; default 1 s doubling to 30 s, as the informers restart. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Aborted once the source stops: asking ends at once (a request or a pause under way), and the discovery fails. */
  signal: AbortSignal;
  /** Tests substitute one that does not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<unknown>;
}

/** One resource an API group version serves, as discovery lists it. */
export interface ServedResource {
  name?: string;
}

/**
 * The resources the API server serves in a group version
 * (`/apis/<group>/<version>`, e.g. `gateway.networking.k8s.io/v1`), or
 * undefined when it answers 404: not installed. Anything else (unreachable,
 * 5xx, throttled, forbidden) is asked again, after the wait a Retry-After
 * names or with backoff (the longer), logged once per run of failures as the informers
 * log theirs: a failure at start must not read as "not installed" and
 * switch a kind off until the router restarts, and the router's start
 * waits for its sources as it does for their first lists.
 */
export async function servedResources(transport: KubeTransport, groupVersion: string, opts: DiscoveryOptions): Promise<readonly ServedResource[] | undefined> {
  const url = `${transport.server}/apis/${groupVersion}`;
  const backoff = new Backoff(opts.backoff?.initialMs ?? 1000, opts.backoff?.maxMs ?? 30_000);
  const { signal } = opts;
  const sleep = opts.sleep ?? pause;
  let failing = false;
  while (!signal.aborted) {
    let failure: unknown;
    try {
      const res = await transport.kubeFetch(url, { signal });
      if (res.ok || res.status === 404) {
        const resources = res.ok ? ((await res.json()) as { resources?: ServedResource[] }).resources ?? [] : undefined;
        if (failing) opts.logger.info(`discovering ${groupVersion} on ${transport.server} works again`);
        return resources;
      }
      failure = await statusErrorFromResponse(res);
    } catch (err) {
      if (signal.aborted) break;
      failure = err;
    }
    const delayMs = Math.max(retryAfterMs(failure) ?? 0, backoff.next());
    if (!failing) opts.logger.warn(`cannot discover ${groupVersion} on ${transport.server}: ${describeKubeError(failure)}; retrying in ${delayMs / 1000}s`);
    failing = true;
    await sleep(delayMs, signal).catch(() => {});
  }
  // Not "not served": a start that goes on would read it so and start informers the stop no longer stops.
  throw new Error(`discovery of ${groupVersion} stopped before the API server answered`);
}
