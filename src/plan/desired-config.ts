import { admitRoutes, type AdmissionResult, type AdmittedRoute, type TlsValidator } from '../admission/admit-routes.ts';
import type { Rejection } from '../admission/rejection.ts';
import type { AdmissionSettings } from '../admission/settings.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import type { AddressFilter } from '../config/route-servers.ts';
import type { ConfigSettings } from '../config/settings.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import type { Route } from '../domain/route.ts';
import { sizeMaxConnections } from './max-connections.ts';

/** Everything the desired configuration is computed from. */
export interface DesiredInput {
  /** Admission already decided (the router keeps an AdmissionIndex); without it, `routes` are admitted here. */
  decided?: AdmissionResult;
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
}

/** Below this, haproxy would technically run but not serve anyone; refusing is clearer. */
export const MIN_MAX_CONNECTIONS = 100;

/** Servers reserve a descriptor each for health checks; counted in steps so a few more pods do not change maxconn (and force a reload). */
const SERVER_FD_STEP = 1024;

/** Thrown when the open-file limit leaves too little room: no configuration can serve. */
export class DescriptorLimitError extends Error {}

/**
 * The configuration the router wants haproxy to run, from the facts alone:
 * admission, then the model, with maxconn sized to the open-file limit.
 */
export function desiredConfig(input: DesiredInput): DesiredConfig {
  const { admitted, rejected, notices, considered } = input.decided ?? admitRoutes(input.routes, input.admission, input.validateTls, input.held);
  const draft = buildConfigModel({
    routes: admitted,
    slices: input.slices,
    settings: input.settings,
    allowAddress: input.allowAddress,
    includeUdpEndpoints: input.includeUdpEndpoints,
    defaultCertificate: input.defaultCertificate,
    defaultDestinationCa: input.defaultDestinationCa,
  });
  const servers = draft.backends.reduce((n, b) => n + b.servers.length, 0);
  const budgeted = Math.max(1, Math.ceil(servers / SERVER_FD_STEP)) * SERVER_FD_STEP;
  const maxConnections = sizeMaxConnections(input.settings.maxConnections, input.fdLimit, budgeted);
  if (maxConnections < MIN_MAX_CONNECTIONS) {
    throw new DescriptorLimitError(`the open-file limit (${input.fdLimit}) leaves room for only ${maxConnections} connections; raise LimitNOFILE`);
  }
  return { admitted, rejected, notices, considered, model: { ...draft, settings: { ...input.settings, maxConnections } } };
}
