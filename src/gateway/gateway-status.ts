/**
 * A Gateway's status as the spec defines it: where clients reach it
 * (`addresses`: the router's canonical host name, else its bind address),
 * `Accepted` and `Programmed`, and per listener its supported kinds, the
 * routes attached to it and its own conditions (listeners.ts).
 */
import { GATEWAY_GROUP, type Gateway } from '../domain/gateway.ts';
import { bad, condition, good, type Condition } from './conditions.ts';
import type { ListenerState } from './listeners.ts';

export interface GatewayAddress {
  type: 'Hostname' | 'IPAddress';
  value: string;
}

/** Where clients reach the router: its canonical host name, else its bind address when it names one. */
export function gatewayAddress(canonicalHostname: string | undefined, bindAddress: string): GatewayAddress | undefined {
  if (canonicalHostname) return { type: 'Hostname', value: canonicalHostname };
  return bindAddress !== '' && bindAddress !== '0.0.0.0' && bindAddress !== '::' ? { type: 'IPAddress', value: bindAddress } : undefined;
}

export interface ListenerStatus {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: Condition[];
}

export interface GatewayStatus {
  addresses: GatewayAddress[];
  conditions: Condition[];
  listeners: ListenerStatus[];
}

/**
 * @param attached routes accepted per listener, by `gateway/listener` key
 * @param address where the router is reached, when it can say
 */
export function gatewayStatus(gateway: Gateway, listeners: readonly ListenerState[], attached: ReadonlyMap<string, number>, address: GatewayAddress | undefined): GatewayStatus {
  const valid = listeners.filter((l) => l.conditions.some((c) => c.type === 'Accepted' && c.status === 'True'));
  const acceptedJudgement =
    valid.length === 0
      ? bad('ListenersNotValid', 'no listener is valid')
      : valid.length < listeners.length
        ? { ok: true as const, reason: 'ListenersNotValid', message: 'some listeners are not valid: see their conditions' }
        : good('Accepted');
  const programmed = listeners.some((l) => l.conditions.some((c) => c.type === 'Programmed' && c.status === 'True'));
  const foreign = address === undefined ? [] : gateway.addresses.filter((a) => a !== address.value);
  const programmedJudgement =
    foreign.length > 0
      ? bad('AddressNotUsable', `the router is reached at ${address?.value} only, not ${foreign.join(', ')}`)
      : programmed
        ? good('Programmed')
        : bad('Invalid', 'no listener is programmed');
  return {
    addresses: address ? [address] : [],
    conditions: [condition('Accepted', acceptedJudgement), condition('Programmed', programmedJudgement)],
    listeners: listeners.map((l) => ({
      name: l.listener.name,
      supportedKinds: l.supportedKinds.map((kind) => ({ group: GATEWAY_GROUP, kind })),
      attachedRoutes: attached.get(`${l.gateway}/${l.listener.name}`) ?? 0,
      conditions: l.conditions,
    })),
  };
}
