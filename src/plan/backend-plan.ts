import type { BackendModel, ServerModel } from '../config/model.ts';
import { serverAddress, serverOptions } from '../config/server-line.ts';
import { allowlistEntries, allowlistFile } from '../config/allowlists.ts';
import { backendMapValues, type BackendMapName } from '../config/backend-maps.ts';
import type { TrackOf } from '../config/check-servers.ts';
import type { AclCommand, MapCommand, RuntimeCommand } from './commands.ts';
import { backendReason, type ReloadReason } from './reload-reasons.ts';

/** What it takes to turn one running backend into its next version. */
export interface BackendPlan {
  commands: RuntimeCommand[];
  /** Non-empty when the runtime API cannot do it. */
  reasons: ReloadReason[];
}

/**
 * haproxy adds servers to, and reweighs servers of, backends whose algorithm
 * is dynamic. Only static-rr is not: the hash-based ones (source, uri, hdr,
 * url_param, rdp-cookie) are dynamic under `hash-type consistent`, which
 * every route backend inherits from its defaults section
 * (config/route-defaults.ts); were one not, haproxy would refuse the
 * command and the caller would reload, so this errs only toward a reload.
 */
function isDynamicBalance(balance: string): boolean {
  const algorithm = balance.trim().split(/[\s(]/)[0];
  return algorithm !== 'static-rr';
}

/**
 * Everything haproxy renders for a backend apart from its servers and its
 * data; a difference here needs the config re-read. The route it serves is
 * not rendered; the dynamic-cookie key and the servers' connection limit
 * can be set live; allowlist entries live in the backend's ACL file, and
 * rate limits and an HTTP backend's timeouts, HSTS value and
 * forwarded-headers policy in maps (config/backend-maps.ts); how haproxy
 * talks TLS to servers is written on server lines only, so it matters only
 * while both sides have servers: a spare backend taken over by a route
 * still compares equal.
 */
export function sameBackendLines(a: BackendModel, b: BackendModel): boolean {
  const { servers: sa, routeKey: _ra, cookie: ca, serverTls: ta, allowlist: _la, timeoutMs: _ma, tunnelTimeoutMs: ua, hsts: _ha, rateLimits: _rla, forwardedHeaders: _fa, serverMaxConn: _xa, ...restA } = a;
  const { servers: sb, routeKey: _rb, cookie: cb, serverTls: tb, allowlist: _lb, timeoutMs: _mb, tunnelTimeoutMs: ub, hsts: _hb, rateLimits: _rlb, forwardedHeaders: _fb, serverMaxConn: _xb, ...restB } = b;
  const tlsMatters = sa.length > 0 && sb.length > 0;
  return (
    Bun.deepEquals(restA, restB) &&
    ca?.name === cb?.name &&
    ca?.secure === cb?.secure &&
    ca?.sameSite === cb?.sameSite &&
    ca?.named === cb?.named &&
    (!tlsMatters || Bun.deepEquals(ta, tb)) &&
    // Passthrough backends have their tunnel timeout as a line.
    (a.mode === 'http' || ua === ub)
  );
}

/** The entries that turn one ACL file into the other: additions, then removals. */
function allowlistCommands(applied: BackendModel, next: BackendModel): AclCommand[] {
  if (!next.allowlistAcl) return [];
  const acl = allowlistFile(next.name);
  const was = allowlistEntries(applied);
  const will = allowlistEntries(next);
  const before = new Set(was);
  const after = new Set(will);
  return [
    ...will.filter((e) => !before.has(e)).map((value): AclCommand => ({ kind: 'add-acl', acl, value })),
    ...was.filter((e) => !after.has(e)).map((value): AclCommand => ({ kind: 'del-acl', acl, value })),
  ];
}

/** The backend's entries in the maps of its options (timeouts, HSTS). */
function optionMapCommands(applied: BackendModel, next: BackendModel): MapCommand[] {
  const was = backendMapValues(applied);
  const will = backendMapValues(next);
  const commands: MapCommand[] = [];
  for (const [map, value] of Object.entries(will) as [BackendMapName, string | undefined][]) {
    const old = was[map];
    if (value === old) continue;
    const key = next.name;
    if (value === undefined) commands.push({ kind: 'del-map', map, key });
    else commands.push(old === undefined ? { kind: 'add-map', map, key, value } : { kind: 'set-map', map, key, value });
  }
  return commands;
}

function addCommand(backend: BackendModel, s: ServerModel, track: TrackOf): RuntimeCommand {
  // serverOptions is the builder the config file uses, so a server added now matches the one the next reload loads.
  return { kind: 'add-server', backend: backend.name, server: s.name, address: serverAddress(s), options: serverOptions(backend, s, track(backend, s)) };
}

/**
 * Between adding servers and letting them serve: a new key (a spare taken
 * over by a route) or new servers need every server's cookie computed, or a
 * new server would answer its first clients with an empty cookie.
 */
function cookieCommands(applied: BackendModel, next: BackendModel, added: boolean): RuntimeCommand[] {
  if (!next.cookie) return [];
  if (applied.cookie?.key !== next.cookie.key) return [{ kind: 'set-dynamic-cookie-key', backend: next.name, key: next.cookie.key }];
  return added ? [{ kind: 'enable-dynamic-cookie', backend: next.name }] : [];
}

/** Why the runtime API cannot turn `applied` into `next`; empty when it can. */
export function backendReasons(applied: BackendModel, next: BackendModel): ReloadReason[] {
  if (!sameBackendLines(applied, next)) return [backendReason('backend-changed', next)];
  const before = new Map(applied.servers.map((s) => [s.name, s]));
  const reasons: ReloadReason[] = [];
  let changesServers = false;
  for (const s of next.servers) {
    const old = before.get(s.name);
    if (!old || old.weight !== s.weight) changesServers = true;
    if (old && (old.ip !== s.ip || old.port !== s.port)) reasons.push(backendReason('server-address-changed', next));
  }
  if (changesServers && !isDynamicBalance(next.balance)) reasons.push(backendReason('balance-not-dynamic', next));
  return reasons;
}

/**
 * Diffs one backend's servers by name (a server's name is its endpoint's
 * identity). New servers come first and leaving ones last, so a backend
 * whose pods are replaced always has a server to send traffic to. `track`
 * names the check server each new server follows: planUpdate starts it
 * before these commands run.
 */
export function planBackend(applied: BackendModel, next: BackendModel, track: TrackOf): BackendPlan {
  const reasons = backendReasons(applied, next);
  if (reasons.length > 0) return { commands: [], reasons };
  const backend = next.name;
  const before = new Map(applied.servers.map((s) => [s.name, s]));
  const after = new Set(next.servers.map((s) => s.name));
  const adds: ServerModel[] = [];
  const updates: RuntimeCommand[] = [];
  const removals: RuntimeCommand[] = [];
  for (const s of next.servers) {
    const old = before.get(s.name);
    if (!old) adds.push(s);
    else if (old.weight !== s.weight) updates.push({ kind: 'set-weight', backend, server: s.name, weight: s.weight });
    if (old && applied.serverMaxConn !== next.serverMaxConn) updates.push({ kind: 'set-maxconn', backend, server: s.name, maxconn: next.serverMaxConn ?? 0 });
  }
  for (const s of applied.servers) {
    if (after.has(s.name)) continue;
    const ref = { backend, server: s.name };
    removals.push({ kind: 'set-maint', ...ref }, { kind: 'del-server', ...ref });
  }
  return {
    commands: [
      // Before any server serves: a route's first request already sees its options.
      ...optionMapCommands(applied, next),
      ...adds.map((s) => addCommand(next, s, track)),
      ...cookieCommands(applied, next, adds.length > 0),
      ...adds.map((s): RuntimeCommand => ({ kind: 'enable-server', backend, server: s.name })),
      ...updates,
      ...allowlistCommands(applied, next),
      ...removals,
    ],
    reasons,
  };
}
