/**
 * Gateway API wildcards (`*.example.com`) match names any number of labels
 * deep, where a Route's match one: `a.example.com` and `a.b.example.com`
 * alike. The maps cannot hold "any depth", so a deep wildcard is keyed on
 * `*.<domain>` and the frontends look the request's host up with one label
 * taken off, then two, ... for each domain length a wildcard may have, most
 * labels first (a more specific wildcard wins). A lookup costs a few tree
 * searches per length, and only for requests no exact host and no Route
 * wildcard answered.
 */

/** The longest domain (labels after `*.`) a deep wildcard may have: one lookup per length is rendered. */
export const DEEP_WILDCARD_MAX_LABELS = 8;

/** The map key host of a deep wildcard route whose host is upstream's wildcard form (`wildcard.example.com`). */
export function deepWildcardKeyHost(routeHost: string): string {
  return `*${routeHost.slice(routeHost.indexOf('.'))}`;
}

/**
 * A listener and a route that both leave the host name open serve every host
 * the other routes leave: the route is a deep wildcard on the host
 * `wildcard.0` (`*.0`, a wildcard no HTTPRoute or listener can write: its
 * domain is all digits), which the frontends look up for every host last.
 */
export const CATCH_ALL_HOST = 'wildcard.0';
export const CATCH_ALL_KEY_HOST = deepWildcardKeyHost(CATCH_ALL_HOST);
