/**
 * Ingresses from a manifest directory: the changes to Ingresses, classes,
 * Secrets and Services that `Definitions` reports go into an
 * IngressTranslator, and what the sink must hear about the routes they
 * become comes out as events. Like `Definitions`, it offers the same events
 * again until `commit` says the sink took them.
 */
import type { ResourceEvent } from '../../domain/events.ts';
import { objectKey, type Route } from '../../domain/route.ts';
import { IngressTranslator } from '../ingress/ingress-translator.ts';
import { sameValue } from '../same-value.ts';
import type { ManifestChange } from './definitions.ts';
import type { Problem } from './manifest-file.ts';

/** The object an upsert carries; undefined for a delete. */
const valueOf = <T>(change: { type: 'upsert' | 'delete'; object: T }): T | undefined => (change.type === 'upsert' ? change.object : undefined);

export class ManifestIngress {
  private readonly translator: IngressTranslator;
  /** The generated routes the sink holds. */
  private readonly emitted = new Map<string, Route>();
  /** Keys whose route may differ from the emitted one, since the last commit. */
  private readonly touched = new Set<string>();

  constructor(controller: string) {
    this.translator = new IngressTranslator({ controller });
  }

  /** Takes a change of one of the kinds Ingresses need; false for the kinds the sink takes itself. */
  take(change: ManifestChange): boolean {
    const t = this.translator;
    switch (change.kind) {
      case 'Ingress':
        t.setIngress(objectKey(change.object), valueOf(change));
        return true;
      case 'IngressClass':
        t.setClass(change.object.name, valueOf(change));
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
    for (const key of this.translator.reconcile().changed) this.touched.add(key);
    const events: ResourceEvent[] = [];
    for (const key of [...this.touched].sort()) {
      const route = this.translator.route(key);
      const before = this.emitted.get(key);
      if (route && !sameValue(route, before)) events.push({ kind: 'Route', type: 'upsert', object: route });
      else if (!route && before) events.push({ kind: 'Route', type: 'delete', object: before });
    }
    return events;
  }

  /** The sink applied `pending()`. */
  commit(): void {
    for (const key of this.touched) {
      const route = this.translator.route(key);
      if (route) this.emitted.set(key, route);
      else this.emitted.delete(key);
    }
    this.touched.clear();
  }

  /** What the Ingresses ask for that is not served, for as long as it lasts. */
  problems(): Problem[] {
    return this.translator.allProblems();
  }
}
