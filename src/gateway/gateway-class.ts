/**
 * Which GatewayClasses are this router's: those whose `spec.controllerName`
 * is `--gateway-controller-name`. A class of ours that asks for parameters
 * is not accepted (the router takes none), and its Gateways are not served.
 */
import type { GatewayClass } from '../domain/gateway.ts';
import { bad, good, type Judgement } from './conditions.ts';

/** `--gateway-controller-name`'s default: the controller name GatewayClasses give to have this router serve their Gateways. */
export const DEFAULT_GATEWAY_CONTROLLER = 'router.openshift.io/gateway-controller';

/** The API's format of a controller name: a DNS subdomain, `/`, and a path. */
const CONTROLLER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

export function isControllerName(name: string): boolean {
  return name.length <= 253 && CONTROLLER_NAME.test(name);
}

/** The class's `Accepted` verdict, for a class of ours. */
export function classAccepted(gatewayClass: GatewayClass): Judgement {
  if (gatewayClass.hasParameters) return bad('InvalidParameters', 'this controller takes no parameters: remove spec.parametersRef');
  return good('Accepted');
}
