/**
 * The `status` this router wants on each Gateway API object, as the API
 * stores it: HTTPRoute and TLSRoute `parents[]` entries of our controller
 * (entries of other controllers kept as they are), Gateway addresses,
 * conditions and listeners, GatewayClass conditions. Conditions carry
 * `observedGeneration` and keep their `lastTransitionTime` while their
 * status stays the same, so an unchanged verdict gives an identical
 * document and no write.
 */
import type { Condition } from './conditions.ts';

/** A condition as stored: with the generation it speaks for and since when it holds. */
export interface StoredCondition extends Condition {
  observedGeneration: number;
  lastTransitionTime: string;
}

type Json = Record<string, unknown>;

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Conditions as stored, each keeping the time of the condition of the same type in `previous` when its status is unchanged. */
export function storedConditions(conditions: readonly Condition[], generation: number, previous: unknown, now: string): StoredCondition[] {
  const before = Array.isArray(previous) ? previous.filter(isJson) : [];
  return conditions.map((c) => {
    const old = before.find((p) => p.type === c.type);
    const since = old !== undefined && old.status === c.status && typeof old.lastTransitionTime === 'string' ? old.lastTransitionTime : now;
    return { type: c.type, status: c.status, reason: c.reason, message: c.message, observedGeneration: generation, lastTransitionTime: since };
  });
}

/** A route's parent entry of ours: the parentRef as written, our controller name, its conditions. */
export interface ParentEntry {
  parentRef: unknown;
  conditions: readonly Condition[];
}

/**
 * The route's `status.parents`: other controllers' entries as they are, then
 * ours in the order of the parentRefs. An entry of ours for a parentRef we
 * no longer judge (gone from the spec, or not one of our Gateways) is dropped.
 */
export function routeParents(current: unknown, controllerName: string, ours: readonly ParentEntry[], generation: number, now: string): Json[] {
  const entries = Array.isArray(current) ? current.filter(isJson) : [];
  const others = entries.filter((e) => e.controllerName !== controllerName);
  const previous = entries.filter((e) => e.controllerName === controllerName);
  const sameRef = (e: Json, ref: unknown) => JSON.stringify(e.parentRef) === JSON.stringify(ref);
  return [
    ...others,
    ...ours.map((p) => ({
      parentRef: p.parentRef,
      controllerName,
      conditions: storedConditions(p.conditions, generation, previous.find((e) => sameRef(e, p.parentRef))?.conditions, now),
    })),
  ];
}

/** Whether two status documents say the same, whatever the order of their keys. */
export function sameStatus(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isJson(v)) {
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
