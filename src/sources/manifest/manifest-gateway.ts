/**
 * Gateway API objects from a manifest directory, as ManifestIngress serves
 * Ingresses: the changes `Definitions` reports go into a GatewayTranslator,
 * and the routes they become come out as events, offered again until
 * `commit` says the sink took them. Manifests have no status to write: what
 * a route's status would say against it is logged instead, for as long as
 * it lasts.
 */
import type { ResourceEvent } from '../../domain/events.ts';
import { objectKey, type Route } from '../../domain/route.ts';
import { GatewayTranslator } from '../gateway/gateway-translator.ts';
import { sameValue } from '../same-value.ts';
import type { ManifestChange } from './definitions.ts';
import type { Problem } from './manifest-file.ts';

const valueOf = <T>(change: { type: 'upsert' | 'delete'; object: T }): T | undefined => (change.type === 'upsert' ? change.object : undefined);

export interface ManifestGatewayOptions {
  controllerName: string;
  httpPort: number;
  httpsPort: number;
}

export class ManifestGateway {
  private readonly translator: GatewayTranslator;
  private readonly emitted = new Map<string, Route>();
  private readonly touched = new Set<string>();

  constructor(opts: ManifestGatewayOptions) {
    this.translator = new GatewayTranslator(opts);
  }

  /** Takes a change of one of the kinds Gateway API routes need; false for the others. */
  take(change: ManifestChange): boolean {
    const t = this.translator;
    switch (change.kind) {
      case 'GatewayClass':
        t.setClass(change.object.name, valueOf(change));
        return true;
      case 'Namespace':
        t.setNamespace(change.object.name, valueOf(change));
        return true;
      case 'Gateway':
        t.setGateway(objectKey(change.object), valueOf(change));
        return true;
      case 'HTTPRoute':
        t.setHTTPRoute(objectKey(change.object), valueOf(change));
        return true;
      case 'TLSRoute':
        t.setTLSRoute(objectKey(change.object), valueOf(change));
        return true;
      case 'ReferenceGrant':
        t.setGrant(objectKey(change.object), valueOf(change));
        return true;
      case 'Secret':
        t.setSecret(objectKey(change.object), valueOf(change));
        return true;
      case 'Service':
        t.setService(objectKey(change.object), valueOf(change));
        return true;
      default:
        return false;
    }
  }

  /** Events for the generated routes that changed since the last commit. */
  pending(): ResourceEvent[] {
    for (const key of this.translator.reconcile()) this.touched.add(key);
    const events: ResourceEvent[] = [];
    for (const key of [...this.touched].sort()) {
      const route = this.translator.route(key);
      const before = this.emitted.get(key);
      if (route && !sameValue(route, before)) events.push({ kind: 'Route', type: 'upsert', object: route });
      else if (!route && before) events.push({ kind: 'Route', type: 'delete', object: before });
    }
    return events;
  }

  commit(): void {
    for (const key of this.touched) {
      const route = this.translator.route(key);
      if (route) this.emitted.set(key, route);
      else this.emitted.delete(key);
    }
    this.touched.clear();
  }

  /** What keeps routes or listeners from being served, as their status would say it. */
  problems(): Problem[] {
    const out: Problem[] = [];
    for (const [key, listeners] of this.translator.listenerStates()) {
      for (const l of listeners) {
        for (const c of l.conditions) {
          const bad = c.type === 'Conflicted' ? c.status === 'True' : c.status === 'False' && c.type !== 'Programmed';
          if (bad) out.push({ level: 'warn', message: `Gateway ${key} listener ${l.listener.name}: ${c.type} ${c.reason}: ${c.message}` });
        }
      }
    }
    for (const [id, conversion] of this.translator.conversions()) {
      for (const parent of conversion.parents) {
        const a = parent.attachment;
        if (a.ours && !a.accepted.ok) out.push({ level: 'warn', message: `${id} is not attached to Gateway ${a.gateway}: ${a.accepted.reason}: ${a.accepted.message}` });
        for (const note of parent.notes) out.push({ level: 'warn', message: `${id}: ${note}` });
      }
      if (!conversion.resolvedRefs.ok) out.push({ level: 'warn', message: `${id}: ${conversion.resolvedRefs.reason}: ${conversion.resolvedRefs.message}` });
      for (const dropped of conversion.dropped) out.push({ level: 'warn', message: `${id}: not served: ${dropped}` });
    }
    return out;
  }
}
