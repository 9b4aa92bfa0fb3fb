/**
 * Which Ingresses this router serves. As upstream's ingress-to-route
 * controller (`ingressManaged`): the class is the `kubernetes.io/ingress.class`
 * annotation when present, else `spec.ingressClassName`, and it must name an
 * IngressClass whose controller is ours. Unlike upstream, an Ingress without
 * a class is served only when no IngressClass is the cluster's default or a
 * default one is ours: the default class's controller serves it otherwise,
 * and two controllers must not both answer for it.
 */
import type { Ingress, IngressClass } from '../domain/ingress.ts';

export const CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** The controller upstream's IngressClasses name for Ingresses served as Routes (`--ingress-class-controller`'s default). */
export const DEFAULT_CLASS_CONTROLLER = 'openshift.io/ingress-to-route';

export type ClassVerdict = { ours: true } | { ours: false; why: string };

/** Whether the router serves `ingress`; `why` names what decided otherwise, for a debug line. */
export function classVerdict(ingress: Ingress, classes: ReadonlyMap<string, IngressClass>, controller: string): ClassVerdict {
  const name = ingress.annotations[CLASS_ANNOTATION] ?? ingress.className;
  if (name !== undefined) {
    const found = classes.get(name);
    if (found === undefined) return { ours: false, why: `its class ${JSON.stringify(name)} has no IngressClass` };
    if (found.controller !== controller) return { ours: false, why: `its class ${name} belongs to controller ${JSON.stringify(found.controller)}` };
    return { ours: true };
  }
  const defaults = [...classes.values()].filter((c) => c.isDefault);
  if (defaults.length === 0 || defaults.some((c) => c.controller === controller)) return { ours: true };
  return { ours: false, why: `it names no class and the default IngressClass ${defaults.map((c) => c.name).sort().join(', ')} is another controller's` };
}
