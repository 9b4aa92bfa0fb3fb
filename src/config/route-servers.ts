import { byName } from '../domain/compare.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { ipBytes } from '../domain/ip.ts';
import { isDns1123Subdomain, isSafePortName, serverName } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';

/** An endpoint address selected for one route's service, before weights. */
export interface SelectedEndpoint {
  name: string;
  ip: string;
  port: number;
}

/** Decides whether an endpoint address may become a server (e.g. no loopback from an untrusted API). */
export type AddressFilter = (ip: string) => boolean;

function portMatches(targetPort: Route['targetPort'], port: { name: string; port: number }): boolean {
  if (targetPort === undefined) return true;
  const wanted = String(targetPort);
  return wanted === port.name || wanted === String(port.port);
}

/**
 * The ready endpoints of one service (given its slices) that a route sends traffic to, in
 * openshift-router's order: slices by name, then ports, then addresses (the
 * source already sorted those). Addresses that are not plain literal IPs,
 * ports out of range and names haproxy would not accept are
 * dropped here, so nothing malformed reaches a `server` line.
 */
export function selectEndpoints(
  route: Route,
  serviceName: string,
  slices: readonly EndpointSlice[],
  allowAddress: AddressFilter,
  includeUdp = false,
): SelectedEndpoint[] {
  const seen = new Set<string>();
  const out: SelectedEndpoint[] = [];
  const ordered = [...slices].sort(byName);
  for (const slice of ordered) {
    for (const port of slice.ports) {
      if ((port.protocol !== 'TCP' && !(includeUdp && port.protocol === 'UDP')) || !Number.isInteger(port.port) || port.port < 1 || port.port > 65535) continue;
      if (!isSafePortName(port.name) || !portMatches(route.targetPort, port)) continue;
      for (const address of slice.addresses) {
        // ipBytes is strict: no zone IDs (fe80::1%eth0), which haproxy refuses in a server name.
        if (!address.ready || !ipBytes(address.ip) || !allowAddress(address.ip)) continue;
        const podName = isDns1123Subdomain(address.podName) ? address.podName : '';
        const name = serverName({ podName, serviceName, portName: port.name, ip: address.ip, port: port.port });
        if (seen.has(name)) continue;
        seen.add(name);
        out.push({ name, ip: address.ip, port: port.port });
      }
    }
  }
  return out;
}
