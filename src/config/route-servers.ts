import { byName } from '../domain/compare.ts';
import type { EndpointAddress, EndpointSlice } from '../domain/endpoints.ts';
import { canonicalIp } from '../domain/ip.ts';
import { isDns1123Subdomain, isSafePortName, serverName } from '../domain/names.ts';
import type { Route } from '../domain/route.ts';
import { objectMemo } from '../domain/object-memo.ts';

/** An endpoint address selected for one route's service, before weights. */
export interface SelectedEndpoint {
  name: string;
  ip: string;
  port: number;
}

/** Decides whether an endpoint address of a slice may become a server (e.g. no loopback from an untrusted API). */
export type AddressFilter = (ip: string, slice: EndpointSlice) => boolean;

function portMatches(targetPort: Route['targetPort'], port: { name: string; port: number }): boolean {
  if (targetPort === undefined) return true;
  const wanted = String(targetPort);
  return wanted === port.name || wanted === String(port.port);
}

/**
 * The ready addresses of a slice that may become servers, in canonical text:
 * the one spelling server lines, server names and runtime commands use.
 * The strict parse refuses what haproxy would read differently (leading
 * zeros, zone IDs) even when the filter lets everything through.
 */
function usableAddresses(slice: EndpointSlice, allowAddress: AddressFilter): EndpointAddress[] {
  return slice.addresses.flatMap((address) => {
    if (!address.ready || !allowAddress(address.ip, slice)) return [];
    const ip = canonicalIp(address.ip);
    if (ip === undefined) return [];
    return [ip === address.ip ? address : { ...address, ip }];
  });
}

/**
 * The ready endpoints of one service (given its slices) that a route sends traffic to, in
 * openshift-router's order: slices by name, then ports, then addresses (the
 * source already sorted those). Addresses the filter refuses, ports out of
 * range and names haproxy would not accept are dropped here, so nothing
 * malformed reaches a `server` line.
 */
export function selectEndpoints(
  route: Pick<Route, 'targetPort'>,
  serviceName: string,
  slices: readonly EndpointSlice[],
  allowAddress: AddressFilter,
  includeUdp = false,
): SelectedEndpoint[] {
  const seen = new Set<string>();
  const out: SelectedEndpoint[] = [];
  const ordered = [...slices].sort(byName);
  for (const slice of ordered) {
    const ports = slice.ports.filter(
      (port) =>
        (port.protocol === 'TCP' || (includeUdp && port.protocol === 'UDP')) &&
        Number.isInteger(port.port) &&
        port.port >= 1 &&
        port.port <= 65535 &&
        isSafePortName(port.name) &&
        portMatches(route.targetPort, port),
    );
    if (ports.length === 0) continue;
    const addresses = usableAddresses(slice, allowAddress);
    for (const port of ports) {
      for (const address of addresses) {
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

/** selectEndpoints with the filter and protocols of one configuration context. */
export type EndpointSelector = (route: Pick<Route, 'targetPort'>, serviceName: string, slices: readonly EndpointSlice[]) => readonly SelectedEndpoint[];

/**
 * selectEndpoints for one context (a filter and whether UDP ports count),
 * remembering each answer by the service's list of slices: the routes that
 * share a service share the work (parsing and filtering every address, at
 * a start once per route), and a list of slices is replaced, not changed,
 * when one of them changes. A filter that may answer differently later
 * (the host's addresses changed) needs a new selector: the caller makes
 * one with each context.
 */
export function endpointSelector(allowAddress: AddressFilter, includeUdp: boolean): EndpointSelector {
  const owner: Selector = {};
  return (route, serviceName, slices) => {
    if (slices.length === 0) return [];
    const key = `${serviceName}\u0000${String(route.targetPort)}`;
    const known = answers.get(slices);
    const held = known?.owner === owner ? known : undefined;
    if (held?.byKey) {
      let selected = held.byKey.get(key);
      if (!selected) held.byKey.set(key, (selected = selectEndpoints(route, serviceName, slices, allowAddress, includeUdp)));
      return selected;
    }
    if (held?.key === key) return held.selected;
    const selected = selectEndpoints(route, serviceName, slices, allowAddress, includeUdp);
    answers.set(slices, held ? { owner, byKey: new Map([[held.key, held.selected], [key, selected]]) } : { owner, key, selected });
    return selected;
  };
}

/** A selector, as the owner of the answers it left on lists of slices. */
type Selector = Record<string, never>;

/**
 * A list of slices' answers, for the selector that made them. Nearly every
 * list is asked about one target port: that answer is held as it is, a Map
 * only from the second (a Map per service cost some 300 bytes).
 */
type Answer = { owner: Selector; key: string; selected: readonly SelectedEndpoint[]; byKey?: undefined } | { owner: Selector; byKey: Map<string, readonly SelectedEndpoint[]>; key?: undefined; selected?: undefined };

/**
 * One memo for every selector: a list of slices outlives the selectors that
 * asked about it (a new one comes with each context), and keeps only the
 * answers of the last selector that did, where a memo per selector would
 * keep one set per selector ever made.
 */
const answers = objectMemo<readonly EndpointSlice[], Answer>('selected endpoints');
