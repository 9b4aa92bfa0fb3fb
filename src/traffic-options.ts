/**
 * The options that shape traffic itself, for every route alike: what the
 * HTTP frontends do to requests and responses, client certificates and
 * error pages (upstream's global template variables). Groups of
 * RouterOptions (options.ts), typed once at start.
 */

/** How X-Forwarded-* and RFC 7239 Forwarded reach the pods (ROUTER_SET_FORWARDED_HEADERS). */
export const FORWARDED_HEADER_POLICIES = ['append', 'replace', 'if-none', 'never'] as const;
export type ForwardedHeaderPolicy = (typeof FORWARDED_HEADER_POLICIES)[number];

/** Client certificate verification on the TLS frontends (ROUTER_MUTUAL_TLS_AUTH); `none` asks for none. */
export const CLIENT_VERIFY_MODES = ['none', 'optional', 'required'] as const;
export type ClientVerifyMode = (typeof CLIENT_VERIFY_MODES)[number];

/** Client certificates asked for on the TLS frontends (ROUTER_MUTUAL_TLS_*); the files are read at start. */
export interface ClientCertificateOptions {
  readonly verify: Exclude<ClientVerifyMode, 'none'>;
  /** PEM bundle of the CAs client certificates must chain to. */
  readonly caFile: string;
  /** PEM CRLs of those CAs; undefined checks no revocation. */
  readonly crlFile: string | undefined;
  /** Regular expression (PCRE) the certificate's subject DN must match, or the request is denied (403). */
  readonly subjectFilter: string | undefined;
}

/** A header captured into the access log (`capture request|response header`). */
export interface HeaderCapture {
  readonly name: string;
  readonly maxLength: number;
}

/** The cookie captured into the access log: the first whose name starts with `name`, or is exactly it. */
export interface CookieCapture {
  readonly name: string;
  readonly exact: boolean;
  readonly maxLength: number;
}

/**
 * A header requests or responses get set (to a value that may sample the
 * message: haproxy log-format text), added (Gateway API's `add`) or lose.
 */
export type HeaderAction = { readonly name: string; readonly action: 'Set' | 'Add'; readonly value: string } | { readonly name: string; readonly action: 'Delete' };

/** What the HTTP frontends do to every request and response, whatever its route. */
export interface HttpOptions {
  readonly forwardedHeaders: ForwardedHeaderPolicy;
  /** MIME types of the responses gzip-compressed for clients that accept it; undefined: none are. */
  readonly compressionTypes: readonly string[] | undefined;
  readonly capture: {
    readonly request: readonly HeaderCapture[];
    readonly response: readonly HeaderCapture[];
    readonly cookie: CookieCapture | undefined;
  };
  /** In order; they run before the forwarded headers are added, as upstream's. */
  readonly headerActions: { readonly request: readonly HeaderAction[]; readonly response: readonly HeaderAction[] };
  /** Header names as HTTP/1 clients get them written (`h1-case-adjust`), e.g. `X-Custom-Header`. */
  readonly h1CaseAdjust: readonly string[];
  /** `option contstats`: traffic counters updated while connections last, not only when they end. */
  readonly contStats: boolean;
  /** `option abortonclose`: a queued request whose client left is not sent on to its pod. */
  readonly abortOnClose: boolean;
  /** Client-sent X-SSL* headers removed before a backend sees them (ROUTER_MUTUAL_TLS_HEADER_FILTER). */
  readonly stripClientSslHeaders: boolean;
}

/** The operator's own error pages (ROUTER_ERRORFILE_*): files holding whole HTTP responses, read at start. */
export interface ErrorPageOptions {
  /** undefined: router's own page. */
  readonly page503: string | undefined;
  /** When set, requests for unknown hosts are answered with it (404) rather than with the 503 page, as upstream. */
  readonly page404: string | undefined;
}
