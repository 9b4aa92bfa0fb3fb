/**
 * This router's entry in an Ingress's `status.loadBalancer.ingress[]`: where
 * clients reach the Ingress, present while any of its routes is admitted
 * here. Several routers may serve one Ingress; each adds and removes only
 * its own entry and leaves the others as they are.
 */
import { isIP } from 'node:net';

/** One entry of `status.loadBalancer.ingress[]` (networking.k8s.io/v1 IngressLoadBalancerIngress). */
export interface LoadBalancerIngress {
  hostname?: string;
  ip?: string;
  [field: string]: unknown;
}

/** How this router's entry reads: a host name, else an address. */
export type LoadBalancerIdentity = { hostname: string } | { ip: string };

/**
 * `--router-canonical-hostname`, else the bind address when it is one
 * address (a router bound to every address cannot say which one clients
 * use); undefined when there is neither, and no entry can be written.
 */
export function loadBalancerIdentity(canonicalHostname: string | undefined, bindAddress: string): LoadBalancerIdentity | undefined {
  if (canonicalHostname) return { hostname: canonicalHostname };
  if (isIP(bindAddress) === 0 || bindAddress === '0.0.0.0' || bindAddress === '::') return undefined;
  return { ip: bindAddress };
}

function isOwn(entry: LoadBalancerIngress, identity: LoadBalancerIdentity): boolean {
  return 'hostname' in identity ? entry.hostname === identity.hostname : entry.ip === identity.ip && !entry.hostname;
}

/** The new list with our entry present (`served`) or absent, or undefined when it already is. */
export function updatedLoadBalancer(current: readonly LoadBalancerIngress[], identity: LoadBalancerIdentity, served: boolean): LoadBalancerIngress[] | undefined {
  const present = current.some((e) => isOwn(e, identity));
  if (present === served) return undefined;
  return served ? [...current, { ...identity }] : current.filter((e) => !isOwn(e, identity));
}
