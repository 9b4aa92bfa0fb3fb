import type { AddressFilter } from '../config/route-servers.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { Route } from '../domain/route.ts';
import type { Logger } from '../log.ts';
import type { RouterOptions } from '../options.ts';
import { createSource } from '../sources/create-source.ts';
import { RouterState } from '../state/router-state.ts';
import { ALWAYS_OPEN } from '../status/write-gate.ts';

/** The routes and endpoints a source holds once it has synced, and the endpoint rule that goes with it. */
export interface Collected {
  routes: Route[];
  slices: EndpointSlice[];
  allowAddress: AddressFilter;
}

/**
 * Reads the routing source the options name (a manifest directory or the
 * API) once, as the router would at start, and stops it: nothing is
 * watched afterwards and no route status is written.
 */
export async function collectSources(options: RouterOptions, logger: Logger): Promise<Collected> {
  const readOnly: RouterOptions = { ...options, status: { ...options.status, update: false } };
  const wiring = createSource(readOnly, logger, process.env, () => {}, ALWAYS_OPEN);
  const state = new RouterState();
  try {
    await wiring.source.start({ apply: (events) => void state.apply(events), held: (kind, key) => state.held(kind, key), synced: () => {} });
  } finally {
    await wiring.source.stop();
    wiring.hostAddresses?.stop();
  }
  return { routes: [...state.routes.values()], slices: [...state.slices.values()], allowAddress: wiring.allowAddress };
}
