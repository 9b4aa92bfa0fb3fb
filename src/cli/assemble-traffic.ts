/** The traffic groups of RouterOptions, from settings that passed the cross-checks (traffic-checks.ts). */
import type { LoadBalanceAlgorithm } from '../options.ts';
import type { ClientCertificateOptions, ErrorPageOptions, HttpOptions } from '../traffic-options.ts';
import type { ResolvedSettings } from './resolved-settings.ts';
import { STRUCTURED } from './traffic-checks.ts';

type Structured = typeof STRUCTURED;
type ValueOfStructured<Name extends keyof Structured> = Extract<ReturnType<Structured[Name]>, { ok: true }>['value'];

function structured<Name extends keyof Structured>(s: ResolvedSettings, name: Name): ValueOfStructured<Name> | undefined {
  const text: string | undefined = s.get<keyof Structured>(name);
  if (text === undefined) return undefined;
  const parsed = STRUCTURED[name](text);
  if (!parsed.ok) throw new Error(`internal error: ${name} passed the cross-checks but does not parse: ${parsed.error}`);
  return parsed.value as ValueOfStructured<Name>;
}

export function httpOptions(s: ResolvedSettings): HttpOptions {
  return {
    forwardedHeaders: s.value('ROUTER_SET_FORWARDED_HEADERS'),
    compressionTypes: s.value('ROUTER_ENABLE_COMPRESSION') ? s.value('ROUTER_COMPRESSION_MIME').split(/\s+/).filter((t) => t !== '') : undefined,
    capture: {
      request: structured(s, '--capture-http-request-headers') ?? [],
      response: structured(s, '--capture-http-response-headers') ?? [],
      cookie: structured(s, '--capture-http-cookie'),
    },
    headerActions: {
      request: structured(s, '--set-delete-http-request-header') ?? [],
      response: structured(s, '--set-delete-http-response-header') ?? [],
    },
    h1CaseAdjust: structured(s, '--http-header-name-case-adjustments') ?? [],
    contStats: s.value('ROUTER_HAPROXY_CONTSTATS'),
    abortOnClose: s.value('ROUTER_ABORT_ON_CLOSE'),
    stripClientSslHeaders: s.value('ROUTER_MUTUAL_TLS_HEADER_FILTER'),
  };
}

export function clientCertificates(s: ResolvedSettings): ClientCertificateOptions | undefined {
  const verify = s.value('ROUTER_MUTUAL_TLS_AUTH');
  if (verify === 'none') return undefined;
  return {
    verify,
    caFile: s.value('ROUTER_MUTUAL_TLS_AUTH_CA'),
    crlFile: s.get('ROUTER_MUTUAL_TLS_AUTH_CRL'),
    subjectFilter: s.get('ROUTER_MUTUAL_TLS_AUTH_FILTER'),
  };
}

export function errorPages(s: ResolvedSettings): ErrorPageOptions {
  return { page503: s.get('ROUTER_ERRORFILE_503'), page404: s.get('ROUTER_ERRORFILE_404') };
}

/** Upstream's chain for passthrough: ROUTER_TCP_BALANCE_SCHEME, then a ROUTER_LOAD_BALANCE_ALGORITHM the operator gave, then source. */
export function tcpBalanceAlgorithm(s: ResolvedSettings): LoadBalanceAlgorithm {
  return s.get('ROUTER_TCP_BALANCE_SCHEME') ?? (s.given('ROUTER_LOAD_BALANCE_ALGORITHM') ? s.value('ROUTER_LOAD_BALANCE_ALGORITHM') : 'source');
}
