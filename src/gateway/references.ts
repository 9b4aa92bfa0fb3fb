/**
 * Who may refer to what across namespaces: a reference within a namespace
 * is always allowed; one into another namespace only when a ReferenceGrant
 * there names the referrer's kind and namespace and the target (its kind,
 * and its name when the grant gives one).
 */
import type { LabelExpression, ReferenceGrant } from '../domain/gateway.ts';

export interface Referrer {
  group: string;
  kind: string;
  namespace: string;
}

export interface Referent {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The ReferenceGrants of one namespace. */
export type GrantsIn = (namespace: string) => readonly ReferenceGrant[];

export function referenceAllowed(grants: GrantsIn, from: Referrer, to: Referent): boolean {
  if (from.namespace === to.namespace) return true;
  return grants(to.namespace).some(
    (g) =>
      g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.to.some((t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name)),
  );
}

/** A Kubernetes label selector (matchLabels and matchExpressions, ANDed) against a set of labels. */
export function selectorMatches(
  selector: { matchLabels: Readonly<Record<string, string>>; matchExpressions: readonly LabelExpression[] },
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  return selector.matchExpressions.every((e) => {
    const has = Object.hasOwn(labels, e.key);
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key] ?? '');
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key] ?? '');
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        // An operator the API does not define selects nothing, as the API server would refuse it.
        return false;
    }
  });
}
