/**
 * The Gateway API kinds of a manifest file (read with --enable-gateway-api
 * only), converted as the API source converts them, and Namespaces, whose
 * labels `allowedRoutes` selectors read.
 */
import type { Gateway, GatewayClass, HTTPRoute, NamespaceLabels, ReferenceGrant, TLSRoute } from '../../domain/gateway.ts';
import type { Conversion, ConvertOptions } from '../convert.ts';
import { toGateway, toGatewayClass, toNamespaceLabels, toReferenceGrant } from '../gateway/convert-gateway.ts';
import { toHTTPRoute, toTLSRoute } from '../gateway/convert-routes.ts';

export interface GatewayObjects {
  classes: GatewayClass[];
  gateways: Gateway[];
  httpRoutes: HTTPRoute[];
  tlsRoutes: TLSRoute[];
  grants: ReferenceGrant[];
  namespaces: NamespaceLabels[];
}

export const GATEWAY_KINDS_READ = 'gateway.networking.k8s.io GatewayClass, Gateway and HTTPRoute (v1), ReferenceGrant (v1beta1), TLSRoute (v1alpha2) and v1 Namespace';

export function noGatewayObjects(): GatewayObjects {
  return { classes: [], gateways: [], httpRoutes: [], tlsRoutes: [], grants: [], namespaces: [] };
}

/** Collects `obj` when it is one of the Gateway API kinds (or a Namespace); false when it is none of them. */
export function classifyGatewayKind(
  kind: string,
  obj: unknown,
  opts: ConvertOptions,
  found: GatewayObjects,
  collect: <T>(c: Conversion<T>, into: (value: T) => void) => void,
): boolean {
  switch (kind) {
    case 'gateway.networking.k8s.io/v1 GatewayClass':
    case 'gateway.networking.k8s.io/v1beta1 GatewayClass':
      collect(toGatewayClass(obj), (c) => found.classes.push(c));
      return true;
    case 'gateway.networking.k8s.io/v1 Gateway':
    case 'gateway.networking.k8s.io/v1beta1 Gateway':
      collect(toGateway(obj, opts), (g) => found.gateways.push(g));
      return true;
    case 'gateway.networking.k8s.io/v1 HTTPRoute':
    case 'gateway.networking.k8s.io/v1beta1 HTTPRoute':
      collect(toHTTPRoute(obj, opts), (r) => found.httpRoutes.push(r));
      return true;
    case 'gateway.networking.k8s.io/v1alpha2 TLSRoute':
      collect(toTLSRoute(obj, opts), (r) => found.tlsRoutes.push(r));
      return true;
    case 'gateway.networking.k8s.io/v1beta1 ReferenceGrant':
      collect(toReferenceGrant(obj, opts), (g) => found.grants.push(g));
      return true;
    case 'v1 Namespace':
      collect(toNamespaceLabels(obj), (n) => found.namespaces.push(n));
      return true;
    default:
      return false;
  }
}
