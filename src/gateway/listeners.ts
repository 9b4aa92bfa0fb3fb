/**
 * What each listener of the router's Gateways can serve, and its status.
 * Every Gateway of our class shares the router's two public ports: HTTP
 * listeners must be on the HTTP port, HTTPS (terminated here with a
 * certificate from a Secret) and TLS (passed through by SNI) listeners on
 * the HTTPS port. Listeners of all Gateways that claim the same port and
 * host name conflict: the first (oldest Gateway, then listener order) keeps
 * it, the others are reported `Conflicted` and serve nothing.
 */
import { DEEP_WILDCARD_MAX_LABELS } from '../config/deep-wildcards.ts';
import { GATEWAY_GROUP, type Gateway, type GatewayRouteKind, type Listener } from '../domain/gateway.ts';
import type { IngressSecret } from '../domain/ingress.ts';
import { objectKey } from '../domain/route.ts';
import { servingSecretProblem } from '../ingress/ingress-tls.ts';
import { validateRouteTls } from '../tls/validate-route-tls.ts';
import { bad, condition, good, type Condition, type Judgement } from './conditions.ts';
import { isValidHostname, isWildcard, wildcardSuffixLabels } from './hostnames.ts';
import { referenceAllowed, type GrantsIn } from './references.ts';

/** A Secret as the caller knows it: `pending` while the Secrets of its namespace are still being read. */
export type SecretLookup = (namespace: string, name: string) => IngressSecret | 'pending' | undefined;

export interface ListenerContext {
  httpPort: number;
  httpsPort: number;
  secret: SecretLookup;
  grants: GrantsIn;
}

export type ListenerServes = 'http' | 'https' | 'passthrough';

export interface ListenerState {
  gateway: string;
  listener: Listener;
  supportedKinds: readonly GatewayRouteKind[];
  /** Routes may attach: the listener is accepted and not conflicted. */
  usable: boolean;
  serves: ListenerServes | undefined;
  /** HTTPS: the certificate, `pending` while its Secret is being read, undefined when it cannot be used. */
  certificate: { cert: string; key: string } | 'pending' | undefined;
  conditions: Condition[];
}

const KIND_OF: Readonly<Record<ListenerServes, GatewayRouteKind>> = { http: 'HTTPRoute', https: 'HTTPRoute', passthrough: 'TLSRoute' };

/** The protocol's port and mode as this router serves them, or why it cannot. */
function servesOf(l: Listener, ctx: ListenerContext): { serves: ListenerServes } | { problem: Judgement } {
  const port = (want: number, serves: ListenerServes) =>
    l.port === want ? { serves } : { problem: bad('PortUnavailable', `${l.protocol} is served on port ${want} only (the router's ${serves === 'http' ? 'HTTP' : 'HTTPS'} port), not ${l.port}`) };
  switch (l.protocol) {
    case 'HTTP':
      return port(ctx.httpPort, 'http');
    case 'HTTPS':
      if (l.tlsMode !== undefined && l.tlsMode !== 'Terminate') return { problem: bad('UnsupportedValue', `HTTPS listeners terminate TLS here: tls.mode ${JSON.stringify(l.tlsMode)} is not supported`) };
      return port(ctx.httpsPort, 'https');
    case 'TLS':
      if (l.tlsMode !== 'Passthrough') return { problem: bad('UnsupportedValue', 'TLS listeners pass TLS through here: tls.mode must be Passthrough') };
      return port(ctx.httpsPort, 'passthrough');
    default:
      return { problem: bad('UnsupportedProtocol', `protocol ${JSON.stringify(l.protocol)} is not supported (HTTP, HTTPS and TLS are)`) };
  }
}

function hostnameProblem(hostname: string): Judgement | undefined {
  if (hostname === '') return undefined;
  if (!isValidHostname(hostname)) return bad('UnsupportedValue', `hostname ${JSON.stringify(hostname)} is not a valid host name`);
  if (isWildcard(hostname) && wildcardSuffixLabels(hostname) > DEEP_WILDCARD_MAX_LABELS) {
    return bad('UnsupportedValue', `hostname ${hostname}: wildcards of more than ${DEEP_WILDCARD_MAX_LABELS} labels after "*." are not supported`);
  }
  return undefined;
}

/** The kinds the listener takes, and whether it names one this router cannot serve on it. */
function kindsOf(l: Listener, serves: ListenerServes | undefined): { kinds: GatewayRouteKind[]; invalid: string[] } {
  const native = serves === undefined ? undefined : KIND_OF[serves];
  if (l.kinds.length === 0) return { kinds: native ? [native] : [], invalid: [] };
  const kinds: GatewayRouteKind[] = [];
  const invalid: string[] = [];
  for (const k of l.kinds) {
    if (k.group === GATEWAY_GROUP && k.kind === native) kinds.includes(native) || kinds.push(native);
    else invalid.push(`${k.group}/${k.kind}`);
  }
  return { kinds, invalid };
}

type Certificate = ListenerState['certificate'];

/** The listener's certificate: its first certificateRef, a kubernetes.io/tls Secret it may refer to. */
function certificateOf(gateway: Gateway, l: Listener, ctx: ListenerContext): { certificate: Certificate; resolved: Judgement } {
  const ref = l.certificateRefs[0];
  if (ref === undefined) return { certificate: undefined, resolved: bad('InvalidCertificateRef', 'an HTTPS listener needs a certificateRef') };
  const namespace = ref.namespace ?? gateway.namespace;
  const id = `${namespace}/${ref.name}`;
  if (ref.group !== '' || ref.kind !== 'Secret') {
    return { certificate: undefined, resolved: bad('InvalidCertificateRef', `certificateRef ${ref.group}/${ref.kind} ${id}: only core Secrets are supported`) };
  }
  const from = { group: GATEWAY_GROUP, kind: 'Gateway', namespace: gateway.namespace };
  if (!referenceAllowed(ctx.grants, from, { group: '', kind: 'Secret', namespace, name: ref.name })) {
    return { certificate: undefined, resolved: bad('RefNotPermitted', `Secret ${id} is in another namespace and no ReferenceGrant there allows it`) };
  }
  const secret = ctx.secret(namespace, ref.name);
  if (secret === 'pending') return { certificate: 'pending', resolved: good('ResolvedRefs') };
  const problem = servingSecretProblem(secret, id);
  if (problem !== undefined) return { certificate: undefined, resolved: bad('InvalidCertificateRef', problem) };
  const cert = secret?.data['tls.crt'] ?? '';
  const key = secret?.data['tls.key'] ?? '';
  const checked = validateRouteTls({ termination: 'edge', insecureEdgeTerminationPolicy: '', certificate: cert, key, caCertificate: '', destinationCACertificate: '' });
  if (!checked.ok) return { certificate: undefined, resolved: bad('InvalidCertificateRef', `Secret ${id}: ${checked.message}`) };
  return { certificate: { cert, key }, resolved: good('ResolvedRefs') };
}

/** Which listener keeps a port and host name; "" (every host name) conflicts only within one Gateway. */
function claimKey(gateway: Gateway, l: Listener): string {
  return l.hostname === '' ? `${l.port} ${objectKey(gateway)} ` : `${l.port} ${l.hostname}`;
}

function evaluate(gateway: Gateway, l: Listener, ctx: ListenerContext, claims: Map<string, { gateway: Gateway; listener: Listener }>): ListenerState {
  const key = objectKey(gateway);
  const protocol = servesOf(l, ctx);
  const serves = 'serves' in protocol ? protocol.serves : undefined;
  const accepted = 'problem' in protocol ? protocol.problem : (hostnameProblem(l.hostname) ?? good('Accepted'));
  const { kinds, invalid } = kindsOf(l, serves);
  const tls = serves === 'https' && accepted.ok ? certificateOf(gateway, l, ctx) : { certificate: undefined, resolved: good('ResolvedRefs') };
  const resolved = invalid.length > 0 ? bad('InvalidRouteKinds', `route kinds ${invalid.join(', ')} are not served on a ${l.protocol} listener`) : tls.resolved;
  let conflict: Judgement = good('NoConflicts');
  if (accepted.ok) {
    const claimed = claims.get(claimKey(gateway, l));
    if (claimed === undefined) claims.set(claimKey(gateway, l), { gateway, listener: l });
    else {
      // Another namespace's Gateway is not named: where tenants own Gateways, theirs stay private to them.
      const holder =
        claimed.gateway === gateway
          ? `listener ${claimed.listener.name}`
          : claimed.gateway.namespace === gateway.namespace
            ? `listener ${claimed.listener.name} of Gateway ${objectKey(claimed.gateway)}`
            : 'a listener of a Gateway in another namespace';
      const what = l.hostname === '' ? `port ${l.port}` : `port ${l.port} and hostname ${l.hostname}`;
      const reason = claimed.listener.protocol === l.protocol ? 'HostnameConflict' : 'ProtocolConflict';
      conflict = bad(reason, `${holder} already has ${what}`);
    }
  }
  const usable = accepted.ok && conflict.ok;
  const problem = !accepted.ok
    ? 'the listener is not accepted'
    : !conflict.ok
      ? 'the listener conflicts with another one'
      : serves === 'https' && tls.certificate === undefined
        ? 'the listener has no usable certificate'
        : kinds.length === 0
          ? 'the listener takes no route kind this router serves'
          : undefined;
  const programmed = problem === undefined ? good('Programmed') : bad('Invalid', problem);
  return {
    gateway: key,
    listener: l,
    supportedKinds: kinds,
    usable,
    serves,
    certificate: tls.certificate,
    conditions: [
      condition('Accepted', accepted),
      condition('ResolvedRefs', resolved),
      condition('Programmed', programmed),
      // Conflicted is True when there is a conflict: its judgement is inverted.
      { type: 'Conflicted', status: conflict.ok ? 'False' : 'True', reason: conflict.reason, message: conflict.message },
    ],
  };
}

/** Every listener of `gateways` (ours, oldest first), by Gateway key. */
export function evaluateListeners(gateways: readonly Gateway[], ctx: ListenerContext): Map<string, ListenerState[]> {
  const claims = new Map<string, { gateway: Gateway; listener: Listener }>();
  const out = new Map<string, ListenerState[]>();
  for (const gateway of gateways) {
    const names = new Set<string>();
    out.set(
      objectKey(gateway),
      gateway.listeners.map((l) => {
        const state = evaluate(gateway, l, ctx, claims);
        // Listener names are unique in a valid Gateway; a manifest may repeat one, and only the first can be addressed.
        if (names.has(l.name)) return { ...state, usable: false, conditions: duplicateName(state.conditions) };
        names.add(l.name);
        return state;
      }),
    );
  }
  return out;
}

function duplicateName(conditions: Condition[]): Condition[] {
  return conditions.map((c) =>
    c.type === 'Accepted' ? { ...c, status: 'False', reason: 'UnsupportedValue', message: 'another listener of the Gateway has this name' } : c.type === 'Programmed' ? { ...c, status: 'False', reason: 'Invalid', message: 'the listener is not accepted' } : c,
  );
}
