import type { EndpointPolicy, HostAddresses } from '../config/endpoint-address.ts';
import { apiRefusal, syntaxRefusal } from '../config/endpoint-address.ts';
import type { AddressFilter } from '../config/route-servers.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { quoteForMessage } from '../domain/quote.ts';
import type { Logger } from '../log.ts';

/*
 * The address filters the sources hand the core: the refusal rules are
 * config/endpoint-address.ts's (pure); reading the host's addresses and
 * logging each refusal once happen here, at the edge.
 */

/** How many slices' logged refusals are remembered; past it the oldest are forgotten (and logged again should they recur). */
const REMEMBERED_SLICES = 10_000;

/** A tenant's text in a log line: quoted, escaped, and short. */
const quoted = (text: string) => quoteForMessage(text, 64);

/**
 * An AddressFilter that logs each refused address once, naming its slice,
 * when it is first refused (again after it was let through in between), not
 * at every commit that leaves it out.
 */
export function loggingFilter(refusal: (ip: string) => string | undefined, logger: Logger): AddressFilter {
  const logged = new Map<string, Map<string, string>>();
  return (ip: string, slice: EndpointSlice) => {
    const key = `${slice.namespace}/${slice.name}`;
    const reason = refusal(ip);
    const seen = logged.get(key);
    if (reason === undefined) {
      seen?.delete(ip);
      if (seen?.size === 0) logged.delete(key);
      return true;
    }
    if (seen?.get(ip) !== reason) {
      logger.warn(`endpoint address ${quoted(ip)} of slice ${key} (service ${slice.serviceName}) refused: ${reason}`);
    }
    // Re-inserted so the map's order is least recently refused first.
    logged.delete(key);
    logged.set(key, (seen ?? new Map()).set(ip, reason));
    if (logged.size > REMEMBERED_SLICES) logged.delete(logged.keys().next().value as string);
    return false;
  };
}

/** How many addresses' verdicts the API filter keeps; past it they are all worked out again. */
const REMEMBERED_VERDICTS = 200_000;

/**
 * The filter for endpoints from the API; the host's addresses are read at
 * each call of `host` (see host-addresses.ts). Routes share pods, so each
 * address is judged once for as long as the host's addresses stay the same
 * snapshot, not once per route that sends traffic to it: at 10,000 routes
 * judging them again was the router's largest cost in building the model.
 */
export function apiEndpointFilter(opts: { policy: EndpointPolicy; host: () => HostAddresses; logger: Logger }): AddressFilter {
  let judgedFor: HostAddresses | undefined;
  const verdicts = new Map<string, string | undefined>();
  return loggingFilter((ip) => {
    const host = opts.host();
    if (host !== judgedFor || verdicts.size >= REMEMBERED_VERDICTS) {
      judgedFor = host;
      verdicts.clear();
    }
    if (verdicts.has(ip)) return verdicts.get(ip);
    const verdict = apiRefusal(ip, host, opts.policy);
    verdicts.set(ip, verdict);
    return verdict;
  }, opts.logger);
}

/** The filter for the manifest directory, written by the host's admin: any address haproxy reads as the router does. */
export function trustedEndpointFilter(logger: Logger): AddressFilter {
  return loggingFilter(syntaxRefusal, logger);
}
