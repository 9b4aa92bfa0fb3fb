import type { Route } from '../domain/route.ts';
import { hostInDomainList, type AdmissionSettings } from './settings.ts';

/** Go's `isShellSpecialVar`: `$1`, `$#`, ... are names of their own (and never known keys). */
const SHELL_SPECIAL = /^[*#$@!?\-0-9]$/;
const NAME_CHAR = /^[A-Za-z0-9_]$/;

/** Go's `os.getShellName`: the key after a `$` and how many characters it spans. */
function shellName(s: string, start: number): { name: string; width: number } {
  const first = s[start] ?? '';
  if (first === '{') {
    if (s.length - start > 2 && SHELL_SPECIAL.test(s[start + 1] ?? '') && s[start + 2] === '}') {
      return { name: s[start + 1] ?? '', width: 3 };
    }
    const close = s.indexOf('}', start + 1);
    // Bad syntax (`${` without `}`, or `${}`): Go eats the characters.
    if (close === -1) return { name: '', width: 1 };
    if (close === start + 1) return { name: '', width: 2 };
    return { name: s.slice(start + 1, close), width: close - start + 1 };
  }
  if (SHELL_SPECIAL.test(first)) return { name: first, width: 1 };
  let end = start;
  while (end < s.length && NAME_CHAR.test(s[end] ?? '')) end++;
  return { name: s.slice(start, end), width: end - start };
}

/**
 * Expands `${name}`/`$name` and `${namespace}`/`$namespace` exactly as
 * upstream's `expandStrict` over Go's `os.Expand` does, so templates that
 * work with openshift-router give the same hosts here. Any other key makes
 * the whole template unusable: `undefined`.
 */
export function expandHostnameTemplate(template: string, route: Pick<Route, 'name' | 'namespace'>): string | undefined {
  let out = '';
  let unknownKey = false;
  let copied = 0;
  for (let i = 0; i < template.length; i++) {
    if (template[i] !== '$' || i + 1 >= template.length) continue;
    out += template.slice(copied, i);
    const { name, width } = shellName(template, i + 1);
    if (name === 'name') out += route.name;
    else if (name === 'namespace') out += route.namespace;
    else if (name !== '') unknownKey = true;
    // A `$` followed by no name at all stays literal; bad `${` syntax is dropped.
    else if (width === 0) out += '$';
    i += width;
    copied = i + 1;
  }
  return unknownKey ? undefined : out + template.slice(copied);
}

/**
 * The host a route is served on (upstream `RouteUpdate`, applied before any
 * admission check): `spec.host`, else `<spec.subdomain>.<routerDomain>`, and
 * the hostname template for routes still without a host, for every route
 * with `overrideHostname`, or for hosts inside `overrideDomains`. A template
 * with an unknown key is ignored rather than producing a half-expanded host.
 */
export function resolveHost(route: Route, settings: AdmissionSettings): string {
  let host = route.host;
  if (host === '' && route.subdomain !== '' && settings.routerDomain) host = `${route.subdomain}.${settings.routerDomain}`;
  const template = settings.hostnameTemplate;
  if (!template) return host;
  if (!settings.overrideHostname && host !== '' && !hostInDomainList(host, settings.overrideDomains)) return host;
  const expanded = expandHostnameTemplate(template, route);
  // Templates often arrive quoted from env files; upstream strips any run of quotes at either end.
  return expanded === undefined ? host : expanded.replace(/^["']+|["']+$/g, '');
}
