/**
 * An Ingress as the router's Routes, so that admission, host ownership, the
 * configuration and the runtime path serve it unchanged. One route per host
 * and path, as upstream's ingress-to-route controller makes them, with its
 * age (the Ingress's creationTimestamp and uid) and a name that stays the
 * same across restarts (`ingressRouteName`), so ownership never reshuffles.
 *
 * Where this goes further than upstream: `Exact` paths are served exactly
 * (upstream skips them); `Prefix` paths match on segment boundaries with a
 * trailing slash ignored, as Kubernetes defines them; the default backend
 * serves whatever the Ingress's own hosts do not otherwise match, never a
 * host the Ingress does not name, since on a shared router no tenant may
 * catch other tenants' hosts. Beside paths of the Ingress on the same host
 * it is the youngest claim there is (no creationTimestamp), so it takes the
 * whole host from no other route of its namespace, while those paths hold
 * the host for the namespace at the Ingress's age; alone on a host it is the
 * Ingress's claim on it, at the Ingress's age.
 *
 * Upstream makes a Route object per host and path, which a ResourceQuota on
 * routes bounds; here one Ingress becomes at most MAX_ROUTES_PER_INGRESS
 * routes, the rest reported.
 */
import type { Ingress, IngressBackend, IngressPath, ServicePorts } from '../domain/ingress.ts';
import { ingressRouteName } from '../domain/names.ts';
import type { Route, RouteTLS } from '../domain/route.ts';
import { DESTINATION_CA_ANNOTATION, ingressTls, type SecretLookup } from './ingress-tls.ts';

export interface IngressLookups {
  secret: SecretLookup;
  service(namespace: string, name: string): ServicePorts | undefined;
}

export interface IngressConversion {
  routes: Route[];
  /** What the Ingress asks for that is not served, or not as asked: one log line each, naming the Ingress. */
  problems: string[];
  /** Some hosts wait for the Secrets of the namespace to be read: they are left out, and not complained about yet. */
  pending: boolean;
}

/** An Ingress of about 1.5 MB (etcd's limit) holds some 18,000 paths: every one a route for every commit to carry. */
export const MAX_ROUTES_PER_INGRESS = 1000;

type Backend = { ok: true; service: string; targetPort: number | string | undefined } | { ok: false; problem: string };

/**
 * The Service must exist and have the port, as upstream's
 * `targetPortForService` requires (a typo is said, not served as a 503). A
 * port by name is then the EndpointSlice port of that name. A port by
 * number is the Service's port, which slices do not carry: the Service says
 * which port name it has (an unnamed port is the Service's only one, so
 * every slice port serves it).
 */
function resolveBackend(ingress: Ingress, backend: IngressBackend, lookups: IngressLookups): Backend {
  if (backend.kind === 'Unsupported') return { ok: false, problem: `${backend.description}: only Service backends are served` };
  const id = `${ingress.namespace}/${backend.name}`;
  const service = lookups.service(ingress.namespace, backend.name);
  if ('name' in backend.port) {
    const name = backend.port.name;
    if (service === undefined) return { ok: false, problem: `Service ${id} not found` };
    if (!service.ports.some((p) => p.name === name)) return { ok: false, problem: `Service ${id} has no port named ${JSON.stringify(name)}` };
    return { ok: true, service: backend.name, targetPort: name };
  }
  const number = backend.port.number;
  if (service === undefined) return { ok: false, problem: `Service ${id} not found (its port ${number} is named by number, which only the Service can resolve)` };
  const port = service.ports.find((p) => p.port === number);
  if (port === undefined) return { ok: false, problem: `Service ${id} has no port ${number}` };
  return { ok: true, service: backend.name, targetPort: port.name === '' ? undefined : port.name };
}

type PathMatch = { ok: true; path: string; exact: boolean } | { ok: false; problem: string };

function pathMatch(p: IngressPath): PathMatch {
  switch (p.pathType) {
    case 'Exact':
      return { ok: true, path: p.path, exact: true };
    case 'Prefix':
      // Kubernetes: `/foo/` matches `/foo` too. A route path `/foo` matches `/foo` and `/foo/...`.
      return { ok: true, path: p.path.replace(/(.)\/+$/, '$1'), exact: false };
    case 'ImplementationSpecific':
    case '':
      return { ok: true, path: p.path, exact: false };
    default:
      return { ok: false, problem: `pathType ${JSON.stringify(p.pathType)} is not one of Exact, Prefix, ImplementationSpecific` };
  }
}

/** What names the default backend's route among a host's (its name's seed). */
const DEFAULT = 'default';

/** Paths of slashes only select the whole host, as no path does. */
const wholeHost = (path: string) => /^\/*$/.test(path);

function makeRoute(
  ingress: Ingress,
  ruleHost: string,
  path: string,
  exact: boolean,
  backend: Backend & { ok: true },
  tls: RouteTLS | undefined,
  what: string,
  creationTimestamp = ingress.creationTimestamp,
): Route {
  const wildcard = ruleHost.startsWith('*.');
  return {
    namespace: ingress.namespace,
    name: ingressRouteName(ingress.name, `${ruleHost}\n${what}`),
    uid: ingress.uid,
    creationTimestamp,
    labels: ingress.labels,
    annotations: ingress.annotations,
    // Upstream's wildcard form: a wildcard route's host is any name in the domain it serves.
    host: wildcard ? `wildcard${ruleHost.slice(1)}` : ruleHost,
    subdomain: '',
    path,
    to: { kind: 'Service', name: backend.service, weight: undefined },
    alternateBackends: [],
    targetPort: backend.targetPort,
    tls,
    wildcardPolicy: wildcard ? 'Subdomain' : 'None',
    ...(exact ? { exactPath: true } : {}),
  };
}

/** Paths by rule host, in rule order; `undefined` for a rule without `http`. */
function pathsByHost(ingress: Ingress, say: (text: string) => void): Map<string, (readonly IngressPath[] | undefined)[]> {
  const hosts = new Map<string, (readonly IngressPath[] | undefined)[]>();
  ingress.rules.forEach((rule, i) => {
    if (rule.host === '') return say(`rules[${i}] names no host and is not served: an Ingress serves only the hosts it names`);
    const lists = hosts.get(rule.host) ?? [];
    lists.push(rule.paths);
    hosts.set(rule.host, lists);
  });
  return hosts;
}

/** The routes `ingress` becomes (the caller has decided it is ours), and what cannot be served. */
export function ingressRoutes(ingress: Ingress, lookups: IngressLookups): IngressConversion {
  const out: IngressConversion = { routes: [], problems: [], pending: false };
  const say = (text: string) => void out.problems.push(`Ingress ${ingress.namespace}/${ingress.name}: ${text}`);
  if (ingress.rules.length === 0) {
    say(ingress.defaultBackend ? 'has only a default backend, which would catch every host: not served (name the hosts in rules)' : 'has no rules: nothing to serve');
    return out;
  }
  const tlsOf = ingressTls(ingress, lookups.secret);
  let capped = false;
  const add = (route: Route) => {
    if (out.routes.length < MAX_ROUTES_PER_INGRESS) out.routes.push(route);
    else if (!capped) {
      capped = true;
      say(`makes more than ${MAX_ROUTES_PER_INGRESS} routes (one per host and path): only the first ${MAX_ROUTES_PER_INGRESS} are served; split it into several Ingresses`);
    }
  };
  for (const [ruleHost, lists] of pathsByHost(ingress, say)) {
    const tls = tlsOf(ruleHost);
    if (tls.kind === 'pending') {
      out.pending = true;
      continue;
    }
    if (tls.kind === 'refused') {
      say(`host ${ruleHost} is not served: ${tls.problem}`);
      continue;
    }
    if (tls.note !== undefined) say(`host ${ruleHost}: ${tls.note}`);
    const passthrough = tls.tls?.termination === 'passthrough';
    const taken = new Set<string>();
    const firstOfHost = out.routes.length;
    for (const p of lists.flatMap((l) => l ?? [])) {
      const where = `host ${ruleHost} path ${JSON.stringify(p.path)}`;
      const match = pathMatch(p);
      if (!match.ok) {
        say(`${where} is not served: ${match.problem}`);
        continue;
      }
      // Passthrough is picked by SNI alone: a path can only be the whole host.
      const path = passthrough && wholeHost(match.path) ? '' : match.path;
      const slot = match.exact ? `=${path}` : wholeHost(path) ? '' : path;
      if (taken.has(slot)) {
        say(`${where} (${p.pathType}) repeats an earlier path of the host and is not served`);
        continue;
      }
      taken.add(slot);
      const backend = resolveBackend(ingress, p.backend, lookups);
      if (!backend.ok) say(`${where} is not served: ${backend.problem}`);
      else add(makeRoute(ingress, ruleHost, path, match.exact, backend, tls.tls, `${p.pathType}\n${p.path}`));
    }
    if (ingress.defaultBackend === undefined) {
      if (lists.every((l) => l === undefined)) say(`host ${ruleHost} has no paths and the Ingress no default backend: nothing to serve`);
    } else if (!taken.has('')) {
      // The default backend serves what the host's own paths do not: a route for the whole host, unless a path already is one.
      const backend = resolveBackend(ingress, ingress.defaultBackend, lookups);
      if (!backend.ok) say(`host ${ruleHost}: the default backend is not served: ${backend.problem}`);
      else {
        // Beside the host's own paths a fallback, the youngest claim (compareRouteAge puts a route without a timestamp
        // last): the paths hold the host for the namespace at the Ingress's age. Alone, it is the Ingress's claim.
        const age = out.routes.length > firstOfHost ? '' : ingress.creationTimestamp;
        add(makeRoute(ingress, ruleHost, passthrough ? '' : '/', false, backend, tls.tls, DEFAULT, age));
      }
    }
  }
  return out;
}

/** The Secrets and Services (names, in the Ingress's namespace) whose changes can change what `ingress` becomes. */
export function ingressReferences(ingress: Ingress): { secrets: string[]; services: string[] } {
  const secrets = ingress.tls.map((t) => t.secretName).filter((name) => name !== '');
  const caSecret = ingress.annotations[DESTINATION_CA_ANNOTATION];
  if (caSecret) secrets.push(caSecret);
  const backends = [ingress.defaultBackend, ...ingress.rules.flatMap((r) => (r.paths ?? []).map((p) => p.backend))];
  const services = backends.flatMap((b) => (b?.kind === 'Service' ? [b.name] : []));
  return { secrets: [...new Set(secrets)], services: [...new Set(services)] };
}
