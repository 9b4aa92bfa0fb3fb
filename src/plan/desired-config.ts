import { admitRoutes, type AdmissionResult, type AdmittedRoute, type TlsValidator } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { AdmissionSettings } from '../admission/settings.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import type { AddressFilter } from '../config/route-servers.ts';
import type { ConfigSettings } from '../config/settings.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { objectKey, type Route } from '../domain/route.ts';
import { sizeMaxConnections } from './max-connections.ts';
import { budgetedChecks, checkRoom, descriptorRejection, MIN_MAX_CONNECTIONS, routesOverRoom } from './descriptor-budget.ts';

/** Everything the desired configuration is computed from. */
export interface DesiredInput {
  /** Admission already decided (the router keeps an AdmissionIndex); without it, `routes` are admitted here. */
  decided?: AdmissionResult;
  /** The model of every admitted route, when already built (the router's DesiredIndex); without it, built here. */
  draft?: ConfigModel;
  routes: Iterable<Route>;
  /** Routes kept out (quarantined) with their rejections: they still hold their hosts. */
  held: ReadonlyMap<string, Rejection>;
  slices: Iterable<EndpointSlice>;
  admission: AdmissionSettings;
  /** Certificate checks (--extended-validation); undefined skips them. */
  validateTls: TlsValidator | undefined;
  /** Settings with the operator's maxconn, lowered here to what the open-file limit allows. */
  settings: ConfigSettings;
  fdLimit: number | undefined;
  allowAddress: AddressFilter;
  includeUdpEndpoints: boolean;
  defaultCertificate: string;
  defaultDestinationCa: string | undefined;
}

export interface DesiredConfig {
  /** Served routes as admitted (resolved host), oldest first. */
  admitted: AdmittedRoute[];
  rejected: Map<string, Rejection>;
  /** What the router says about admitted routes' annotations it could not honour. */
  notices: Map<string, string>;
  /** The routes decided on, as written: what the rest of the commit reads them as. */
  considered: ReadonlyMap<string, Route>;
  /** What a fresh load would run. */
  model: ConfigModel;
  /** Every admitted route is in the model: none was refused for want of descriptors. */
  complete: boolean;
}

/** Thrown when the open-file limit leaves too little room even without routes: no configuration can serve. */
export class DescriptorLimitError extends Error {}

/**
 * The configuration the router wants haproxy to run, from the facts alone:
 * admission, then the model, with maxconn sized to the open-file limit.
 * When the health checks of every admitted route's endpoints would not fit
 * in what the limit leaves, the newest routes are refused (with a reason in
 * their status and the log) and everyone else is served.
 */
export function desiredConfig(input: DesiredInput): DesiredConfig {
  const { admitted, rejected, notices, considered } = input.decided ?? admitRoutes(input.routes, input.admission, input.validateTls, input.held);
  // Read only for a build here (every slice, 100,000 at the largest scale), and kept for a second one when routes are
  // refused: the caller may hand over a one-pass iterator.
  let slices: EndpointSlice[] | undefined;
  const build = (routes: readonly AdmittedRoute[]) =>
    buildConfigModel({
      routes,
      slices: (slices ??= [...input.slices]),
      settings: input.settings,
      allowAddress: input.allowAddress,
      includeUdpEndpoints: input.includeUdpEndpoints,
      defaultCertificate: input.defaultCertificate,
      defaultDestinationCa: input.defaultDestinationCa,
    });
  let served = admitted;
  let draft = input.draft ?? build(admitted);
  const room = checkRoom(input.fdLimit);
  if (room !== undefined && input.fdLimit !== undefined && draft.checks.length > room) {
    const refused = routesOverRoom(admitted, draft.backends, room, input.settings);
    served = admitted.filter((r) => !refused.has(objectKey(r)));
    for (const key of refused) {
      rejected.set(key, descriptorRejection(input.fdLimit, room));
      notices.delete(key);
    }
    draft = build(served);
  }
  const maxConnections = sizeMaxConnections(input.settings.maxConnections, input.fdLimit, budgetedChecks(draft.checks.length, room));
  if (maxConnections < MIN_MAX_CONNECTIONS) {
    throw new DescriptorLimitError(`the open-file limit (${input.fdLimit}) leaves room for only ${maxConnections} connections; raise LimitNOFILE`);
  }
  return { admitted: served, rejected, notices, considered, model: { ...draft, settings: { ...input.settings, maxConnections } }, complete: served === admitted };
}
