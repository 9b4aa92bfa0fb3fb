/**
 * The operator's admission knobs (openshift-router's `RouterSelection`
 * flags), already parsed: lists are trimmed and free of empty entries.
 */
export interface AdmissionSettings {
  /** `--allowed-domains`: when non-empty, only hosts in these domains are served. */
  allowedDomains: string[];
  /** `--denied-domains`: hosts in these domains are never served; wins over the allowed list. */
  deniedDomains: string[];
  /** `--allow-wildcard-routes`: serve `wildcardPolicy: Subdomain` routes. */
  allowWildcardRoutes: boolean;
  /**
   * `--disable-namespace-ownership-check`: a host no longer belongs to the
   * namespace that claimed it first; every host+path goes to its oldest route.
   */
  disableNamespaceOwnershipCheck: boolean;
  /** `--hostname-template`, e.g. `${name}-${namespace}.apps.example.com`. */
  hostnameTemplate: string | undefined;
  /** `--override-hostname`: apply the template even to routes that set `spec.host`. */
  overrideHostname: boolean;
  /** `--override-domains`: hosts in these domains are rewritten by the template. */
  overrideDomains: string[];
  /** `--router-domain`: `spec.subdomain` routes without a host get `<subdomain>.<routerDomain>`. */
  routerDomain: string | undefined;
}

/**
 * Whether `host` or any parent domain of it is listed (upstream
 * `hostInDomainList`): `a.b.example.com` matches `a.b.example.com`,
 * `b.example.com`, `example.com` and `com`, but `example.com` never matches
 * `ample.com`. Lists are a handful of entries, so a linear scan per suffix
 * beats building a set for every route.
 */
export function hostInDomainList(host: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return false;
  let suffix = host;
  for (;;) {
    if (domains.includes(suffix)) return true;
    const dot = suffix.indexOf('.');
    // Upstream stops at a leading dot (`.com` never yields `com`).
    if (dot <= 0) return false;
    suffix = suffix.slice(dot + 1);
  }
}
