import type { MatchRule } from '../config/match-rules.ts';
import type { SniFrontend } from '../config/model.ts';
import { compareText } from '../domain/compare.ts';

/** Why a change could not be applied through the runtime API and needs haproxy to reload. */
export type ReloadReasonCode =
  /** No worker holds a configuration the runtime API could change (first start, or after a failed one). */
  | 'initial-load'
  /** --runtime-updates=false: every change reloads, as openshift-router does by default. */
  | 'runtime-updates-disabled'
  /** The runtime API refused or failed a command; a reload brings the worker to the model instead. */
  | 'runtime-update-failed'
  /** After a load, the worker's servers differed from the model's (see commit/worker-check.ts). */
  | 'worker-out-of-step'
  /** A generation the runtime path wrote failed its background `haproxy -c` (see commit/background-check.ts): a restart would not load it. */
  | 'config-check-failed'
  /** Routes have run on spare backends for --commit-interval: a reload gives them their own and refills the pools. */
  | 'commit-interval'
  /** Anything in ConfigSettings: it shapes global, defaults and frontends. */
  | 'settings-changed'
  /**
   * The rules of hosts some route matches by method, headers or query
   * parameters (config/match-rules.ts): haproxy reads them, as Lua data,
   * only when it loads.
   */
  | 'match-rules-changed'
  /**
   * The certificates of Gateway API deep wildcards or the catch-all
   * (config/sni-frontends.ts): each is a frontend's bind certificate, which
   * only a load sets.
   */
  | 'sni-frontends-changed'
  | 'backend-added'
  | 'backend-removed'
  /** A backend's own lines (balance, mode, TLS to servers, check interval...) differ. */
  | 'backend-changed'
  /**
   * A certificate would be added for an SNI another crt-list line serves
   * too: which one haproxy presents depends on line order, and a line added
   * live goes last, while a reload reads the lines in file order.
   */
  | 'crt-list-sni-shared'
  /**
   * A crt-list line has to go whose certificate file name has a `:`
   * (`del ssl crt-list` reads what follows the first `:` as the line
   * number, so haproxy 2.6 cannot be told which line that is), or whose
   * number the router does not know.
   */
  | 'crt-list-line-undeletable'
  /**
   * A crt-list line with options of its own (`[alpn h2,http/1.1]`) has to
   * go. haproxy 2.6 frees the line's options with it, while a handshake on
   * another thread that picked the line's SSL context just before may still
   * read them (its ALPN callback): the worker dies in SSL_select_next_proto,
   * and with it every tenant's connections (issues #11, #12; BENCHMARKS.md).
   * Adding such a line is safe, and so is deleting a line without options.
   */
  | 'crt-list-line-options'
  /** A certificate too large for haproxy's CLI buffer (tune.bufsize); a reload reads it from its file instead. */
  | 'certificate-too-large'
  /** Servers change in a backend whose algorithm haproxy cannot add servers to or reweigh (static-rr). */
  | 'balance-not-dynamic'
  /** A server kept its name but not its address; names embed the address, so this means a naming change. */
  | 'server-address-changed'
  /**
   * A new endpoint needs a health check and no free check slot of its kind
   * is left (haproxy lets servers added at runtime track only servers of the
   * configuration): a reload renders one for it and refills the slots.
   */
  | 'check-slots-exhausted'
  /** A check server would change in a way the runtime API cannot make (its kind, or from one endpoint straight to another). */
  | 'check-server-changed'
  /**
   * A server would be added to a backend that had none, with a CA file to
   * verify it by that haproxy may not have read (it reads CA files with the
   * configuration) and that cannot be loaded live: one too large for the
   * CLI buffer, or one the model does not hold. See ca-file-plan.ts.
   */
  | 'ca-file-not-loaded';

export interface ReloadReason {
  code: ReloadReasonCode;
  /** The backend the reason is about, when it is about one. */
  backend: string | undefined;
  /** The route (`namespace/name`) that backend serves, when it serves one: whose change caused the reload. */
  route?: string;
}

/** A reason about a backend, naming the route it serves (spares serve none). */
export function backendReason(code: ReloadReasonCode, backend: { name: string; routeKey: string }): ReloadReason {
  return backend.routeKey === '' ? { code, backend: backend.name } : { code, backend: backend.name, route: backend.routeKey };
}

/** `match-rules-changed`, naming the routes whose rules came, went or changed (none when only their order did). */
export function matchRuleReasons(before: readonly MatchRule[], after: readonly MatchRule[]): ReloadReason[] {
  const seen = new Map<string, { routeKey: string; n: number }>();
  const count = (rules: readonly MatchRule[], sign: 1 | -1) => {
    for (const r of rules) {
      const id = JSON.stringify(r);
      const entry = seen.get(id) ?? { routeKey: r.routeKey, n: 0 };
      entry.n += sign;
      seen.set(id, entry);
    }
  };
  count(before, -1);
  count(after, 1);
  const routes = new Set([...seen.values()].filter((e) => e.n !== 0).map((e) => e.routeKey));
  if (routes.size === 0) return [{ code: 'match-rules-changed', backend: undefined }];
  return [...routes].sort(compareText).map((route) => ({ code: 'match-rules-changed', backend: undefined, route }));
}

/** How many routes or backends each reason names in a log line before it only counts the rest. */
const NAMED_PER_REASON = 3;

/**
 * One log line for a reload: each reason once, in first-seen order, with
 * the first few routes it concerns, or backends where no route is known
 * (`backend-added: ns/a, ns/b (+8 more)`): which tenants' changes reloaded.
 */
export function describeReasons(reasons: readonly ReloadReason[]): string {
  const byCode = new Map<ReloadReasonCode, Set<string>>();
  for (const r of reasons) {
    const backends = byCode.get(r.code) ?? new Set<string>();
    const subject = r.route ?? r.backend;
    if (subject !== undefined) backends.add(subject);
    byCode.set(r.code, backends);
  }
  const parts: string[] = [];
  for (const [code, backends] of byCode) {
    if (backends.size === 0) {
      parts.push(code);
      continue;
    }
    const named = [...backends].slice(0, NAMED_PER_REASON).join(', ');
    const more = backends.size - NAMED_PER_REASON;
    parts.push(`${code}: ${named}${more > 0 ? ` (+${more} more)` : ''}`);
  }
  return parts.join('; ');
}

/** The reason codes of one reload, each once: a reload is counted once per reason, however many backends it names. */
export function reasonCodes(reasons: readonly ReloadReason[]): ReloadReasonCode[] {
  return [...new Set(reasons.map((r) => r.code))];
}

/** Reloads so far per reason, for the log line of each reload (`backend-added 3, settings-changed 1`), most frequent first. */
export function describeCounts(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || compareText(a, b))
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
}

/**
 * `sni-frontends-changed`, naming the routes of the certificate frontends
 * that came, went or changed, so the reload is charged to their namespaces'
 * budgets; a frontend that only changed its number (another one came or
 * went before it) names nobody. None at all when only the routes behind the
 * same frontends changed: the configuration is the same.
 */
export function sniFrontendReasons(before: readonly SniFrontend[], after: readonly SniFrontend[]): ReloadReason[] {
  const rendered = (f: SniFrontend) => JSON.stringify([f.number, f.certFile, f.keyHosts, f.alpn]);
  if (before.length === after.length && before.every((f, i) => rendered(f) === rendered(after[i] as SniFrontend))) return [];
  const content = (f: SniFrontend) => JSON.stringify([f.certFile, f.keyHosts, f.alpn]);
  const was = new Set(before.map(content));
  const will = new Set(after.map(content));
  const routes = new Set<string>();
  for (const f of before) if (!will.has(content(f))) for (const r of f.routes) routes.add(r);
  for (const f of after) if (!was.has(content(f))) for (const r of f.routes) routes.add(r);
  if (routes.size === 0) return [{ code: 'sni-frontends-changed', backend: undefined }];
  return [...routes].sort(compareText).map((route) => ({ code: 'sni-frontends-changed', backend: undefined, route }));
}
