/**
 * Which listeners a route attaches to through each of its parentRefs, and
 * the host names it serves on each: the listener must be named by the
 * parentRef (sectionName, port), usable, take the route's kind, allow the
 * route's namespace, and share a host name with the route. Each parentRef
 * gets the `Accepted` verdict the spec defines for the first test it fails.
 */
import { GATEWAY_GROUP, type GatewayRouteKind, type NamespaceLabels, type ParentRef, type RouteNamespaces } from '../domain/gateway.ts';
import { bad, good, type Judgement } from './conditions.ts';
import { isWildcard, servedHostnames } from './hostnames.ts';
import type { ListenerServes, ListenerState } from './listeners.ts';
import { selectorMatches } from './references.ts';

/** What a route is, as attachment sees it. */
export interface AttachingRoute {
  kind: GatewayRouteKind;
  namespace: string;
  hostnames: readonly string[];
  parentRefs: readonly ParentRef[];
}

export interface AttachedListener {
  state: ListenerState;
  /** The host names served there ("": every host name). */
  hostnames: string[];
}

export type ParentAttachment =
  /** Not a Gateway of ours: another controller writes this parentRef's status, or nobody. */
  | { ours: false }
  | { ours: true; gateway: string; accepted: Judgement; listeners: AttachedListener[] };

export interface AttachmentContext {
  /** The listeners of each of our Gateways, by key; absent: not ours. */
  listeners(gateway: string): readonly ListenerState[] | undefined;
  namespace(name: string): NamespaceLabels | undefined;
  /**
   * The exact host names (no wildcard) of the usable listeners of all our
   * Gateways on the port `serves` uses: every Gateway shares the router's two
   * ports, and a name a listener names exactly is that listener's (the spec:
   * exact listener host names are matched before wildcards and before none).
   */
  exactListenerHosts?(serves: ListenerServes): ReadonlySet<string>;
}

/** The port a listener is on: all our Gateways share the router's HTTP port and its HTTPS port. */
export const portOf = (serves: ListenerServes | undefined): 'http' | 'tls' => (serves === 'http' ? 'http' : 'tls');

function namespaceAllowed(allowed: RouteNamespaces, gatewayNamespace: string, routeNamespace: string, ctx: AttachmentContext): boolean {
  switch (allowed.from) {
    case 'All':
      return true;
    case 'Same':
      return gatewayNamespace === routeNamespace;
    case 'Selector':
      return selectorMatches(allowed, ctx.namespace(routeNamespace)?.labels ?? {});
    default:
      return false;
  }
}

export function attachParent(route: AttachingRoute, ref: ParentRef, ctx: AttachmentContext): ParentAttachment {
  if (ref.group !== GATEWAY_GROUP || ref.kind !== 'Gateway') return { ours: false };
  const gatewayNamespace = ref.namespace ?? route.namespace;
  const gateway = `${gatewayNamespace}/${ref.name}`;
  const all = ctx.listeners(gateway);
  if (all === undefined) return { ours: false };
  const named = all.filter((s) => (ref.sectionName === '' || s.listener.name === ref.sectionName) && (ref.port === undefined || s.listener.port === ref.port));
  const out = (accepted: Judgement, listeners: AttachedListener[] = []): ParentAttachment => ({ ours: true, gateway, accepted, listeners });
  if (named.length === 0) {
    const which = [ref.sectionName && `named ${ref.sectionName}`, ref.port !== undefined && `on port ${ref.port}`].filter(Boolean).join(' ');
    return out(bad('NoMatchingParent', `Gateway ${gateway} has no listener ${which}`));
  }
  const allowed = named.filter(
    (s) => s.usable && s.supportedKinds.includes(route.kind) && namespaceAllowed(s.listener.namespaces, gatewayNamespace, route.namespace, ctx),
  );
  if (allowed.length === 0) {
    return out(bad('NotAllowedByListeners', `no listener of Gateway ${gateway} that this parentRef names accepts ${route.kind}s from namespace ${route.namespace}`));
  }
  const listeners = allowed.flatMap((state) => {
    const served = servedHostnames(state.listener.hostname, route.hostnames);
    // Through a wildcard listener, or one that names no host, a route does not serve a name another listener on the
    // same port names exactly: that name is the other listener's (a tenant's route cannot take an admin's host).
    const exact = state.listener.hostname !== '' && !isWildcard(state.listener.hostname);
    const claimed = exact || !state.serves ? undefined : ctx.exactListenerHosts?.(state.serves);
    const hostnames = claimed ? served.filter((h) => !claimed.has(h)) : served;
    return hostnames.length > 0 ? [{ state, hostnames }] : [];
  });
  if (listeners.length === 0) return out(bad('NoMatchingListenerHostname', `no hostname of the route matches a listener of Gateway ${gateway}`));
  return out(good('Accepted'), listeners);
}
