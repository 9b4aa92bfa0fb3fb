import type { ForwardedHeaderPolicy } from '../traffic-options.ts';
import { BACKEND_MAPS } from './backend-maps.ts';

/** The scheme a frontend's clients use: it is known per frontend, so no line needs to ask `ssl_fc`. */
export type FrontendProto = 'http' | 'https';

/** RFC 7239 quotes an IPv6 `for=` (with brackets); upstream tells the two apart by the colon. */
const IPV6_CLIENT = '{ src -m sub : }';
const IPV4_CLIENT = '!{ src -m sub : }';

function forwardedValue(ipv6: boolean, proto: FrontendProto): string {
  const client = ipv6 ? '\\"[%[src]]\\"' : '%[src]';
  return `for=${client};host=%[req.hdr(host)];proto=${proto}`;
}

/** `if` and its conditions, or nothing. */
const when = (...conditions: string[]) => (conditions.length > 0 ? ` if ${conditions.join(' ')}` : '');

/**
 * openshift-router's forwarded headers for one policy, as lines of an HTTP
 * frontend: X-Forwarded-For, -Host, -Port, -Proto, -Proto-Version (HTTP/2
 * over TLS) and RFC 7239 `Forwarded`. `append` adds to what the client
 * sent, `replace` overwrites it, `if-none` sets each header only when the
 * client sent none, `never` leaves the request as it came. Each line is
 * conditioned on `policyCondition` when one is given. X-Forwarded-For is a
 * rule like the others rather than haproxy's `option forwardfor`, which
 * cannot be conditioned.
 */
export function forwardedHeaderLines(policy: ForwardedHeaderPolicy, proto: FrontendProto, policyCondition?: string): string[] {
  const h2 = proto === 'https';
  const first = policyCondition === undefined ? [] : [policyCondition];
  const set = (verb: string, header: string, value: string, ...conditions: string[]) => `http-request ${verb} ${header} ${value}${when(...first, ...conditions)}`;
  switch (policy) {
    case 'never':
      return [];
    case 'append':
    case 'replace': {
      const verb = policy === 'append' ? 'add-header' : 'set-header';
      return [
        set(verb, 'X-Forwarded-For', '%[src]'),
        set(verb, 'X-Forwarded-Host', '%[req.hdr(host)]'),
        set(verb, 'X-Forwarded-Port', '%[dst_port]'),
        set(verb, 'X-Forwarded-Proto', proto),
        ...(h2 ? [set(verb, 'X-Forwarded-Proto-Version', 'h2', '{ ssl_fc_alpn -i h2 }')] : []),
        set(verb, 'Forwarded', forwardedValue(true, proto), IPV6_CLIENT),
        set(verb, 'Forwarded', forwardedValue(false, proto), IPV4_CLIENT),
      ];
    }
    case 'if-none': {
      const none = (header: string) => `!{ req.hdr(${header}) -m found }`;
      return [
        set('set-header', 'X-Forwarded-For', '%[src]', none('X-Forwarded-For')),
        set('set-header', 'X-Forwarded-Host', '%[req.hdr(host)]', none('X-Forwarded-Host')),
        set('set-header', 'X-Forwarded-Port', '%[dst_port]', none('X-Forwarded-Port')),
        set('set-header', 'X-Forwarded-Proto', proto, none('X-Forwarded-Proto')),
        ...(h2 ? [set('set-header', 'X-Forwarded-Proto-Version', 'h2', '{ ssl_fc_alpn -i h2 }', none('X-Forwarded-Proto-Version'))] : []),
        set('set-header', 'Forwarded', forwardedValue(true, proto), IPV6_CLIENT, none('Forwarded')),
        set('set-header', 'Forwarded', forwardedValue(false, proto), IPV4_CLIENT, none('Forwarded')),
      ];
    }
  }
}

const POLICIES: readonly ForwardedHeaderPolicy[] = ['append', 'replace', 'if-none'];

/**
 * The forwarded headers of an HTTP frontend, after routing: the policy of
 * the route the request goes to (its `set-forwarded-headers`, from a map
 * keyed by its backend's name, so a change goes live), else the global one.
 */
export function routedForwardedHeaderLines(global: ForwardedHeaderPolicy, proto: FrontendProto): string[] {
  return [
    `http-request set-var(txn.forwarded) var(txn.backend),map(${BACKEND_MAPS.forwarded},${global})`,
    ...POLICIES.flatMap((p) => forwardedHeaderLines(p, proto, `{ var(txn.forwarded) -m str ${p} }`)),
  ];
}
