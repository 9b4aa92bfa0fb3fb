import { compareText } from '../domain/compare.ts';
import { checkServerName } from '../domain/names.ts';
import { flatText } from './flat-text.ts';
import { objectMemo } from '../domain/object-memo.ts';
import type { BackendModel, CheckServerModel, ServerModel } from './model.ts';
import type { ConfigSettings } from './settings.ts';

/** How an endpoint is checked. Route servers that share an endpoint and a profile share one check. */
export interface CheckProfile {
  tls: boolean;
  intervalMs: number;
}

/** An endpoint some route backend sends traffic to, and how its check must run. */
export interface NeededCheck {
  profile: CheckProfile;
  target: { ip: string; port: number };
  /** Some backend tracking it has another weighted server to fail over to. */
  active: boolean;
}

/** The fewest free slots of each of the operator's profiles a load renders. */
const MIN_FREE_SLOTS = 8;
/** And one more per this many endpoints checked, so a rollout across many deployments still goes live without a reload. */
const ENDPOINTS_PER_FREE_SLOT = 8;

export function profileOf(backend: Pick<BackendModel, 'serverTls' | 'checkIntervalMs'>): CheckProfile {
  return { tls: backend.serverTls !== undefined, intervalMs: backend.checkIntervalMs };
}

export function sameProfile(a: CheckProfile, b: CheckProfile): boolean {
  return a.tls === b.tls && a.intervalMs === b.intervalMs;
}

/** The profiles free slots are rendered for: plain and TLS, at the operator's interval. */
export function slotProfiles(settings: Pick<ConfigSettings, 'checkIntervalMs'>): CheckProfile[] {
  return [
    { tls: false, intervalMs: settings.checkIntervalMs },
    { tls: true, intervalMs: settings.checkIntervalMs },
  ];
}

/** Free slots a load renders for a profile with `checked` endpoints. */
export function freeSlots(checked: number): number {
  return Math.max(MIN_FREE_SLOTS, Math.ceil(checked / ENDPOINTS_PER_FREE_SLOT));
}

/**
 * One string per check key: the desired index, the running index and its
 * slots each key every endpoint checked, and a key made per call was five
 * copies of each (26,000 strings at 10,000 routes). Found by its parts
 * (profile, port, then the address string, whose hash the source's shared
 * string keeps) rather than by the joined text, built and hashed at every
 * call before: 100,000 lookups took 120 ms, now about 60 (BENCHMARKS.md,
 * "Start at scale, thirteenth run").
 * Bounded: when full the table starts over, which costs sharing, never
 * correctness.
 */
const MAX_KEYS = 1 << 16;
/** Keys by TLS (0 plain, 1 TLS), then interval, port and address. */
let keys: [KeysByInterval, KeysByInterval] = [new Map(), new Map()];
let keyCount = 0;
type KeysByInterval = Map<number, Map<number, Map<string, string>>>;

/** What a check is found by: its profile and its endpoint (spaces never occur in an address). */
export function checkKey(profile: CheckProfile, target: { ip: string; port: number }): string {
  return keyOf(profile.tls, profile.intervalMs, target.ip, target.port);
}

/** The key of the check a route server of `backend` tracks. */
export function serverCheckKey(backend: Pick<BackendModel, 'serverTls' | 'checkIntervalMs'>, server: Pick<ServerModel, 'ip' | 'port'>): string {
  return keyOf(backend.serverTls !== undefined, backend.checkIntervalMs, server.ip, server.port);
}

function keyOf(tls: boolean, intervalMs: number, ip: string, port: number): string {
  if (keyCount >= MAX_KEYS) {
    keys = [new Map(), new Map()];
    keyCount = 0;
  }
  const byInterval = keys[tls ? 1 : 0];
  let byPort = byInterval.get(intervalMs);
  if (byPort === undefined) byInterval.set(intervalMs, (byPort = new Map()));
  let byIp = byPort.get(port);
  if (byIp === undefined) byPort.set(port, (byIp = new Map()));
  const known = byIp.get(ip);
  if (known !== undefined) return known;
  // Flattened: kept as built, it would hold its pieces (the port's text among them) as strings of their own.
  const made = flatText(`${tls ? 'tls' : 'tcp'} ${intervalMs} ${ip} ${port}`);
  byIp.set(ip, made);
  keyCount++;
  return made;
}

/**
 * The check keys of a backend's servers, in server order, worked out once
 * per servers list and profile: a reload's decision asks for every route
 * server's key several times over (the model's checks, their fit to the
 * worker, the render, the planner's indexes), three table lookups each,
 * 200,000 servers at 100,000 routes; the lists are shared by the models
 * and copies of a backend that leave its servers as they are.
 */
const keyLists = objectMemo<readonly ServerModel[], { tls: boolean; intervalMs: number; keys: readonly string[] }>('check keys');

export function serverCheckKeys(backend: Pick<BackendModel, 'serverTls' | 'checkIntervalMs' | 'servers'>): readonly string[] {
  const tls = backend.serverTls !== undefined;
  const known = keyLists.get(backend.servers);
  // A copy of a backend that keeps its servers mostly keeps its profile too; one that changes it makes the list's keys again.
  if (known !== undefined && known.tls === tls && known.intervalMs === backend.checkIntervalMs) return known.keys;
  const keys = backend.servers.map((s) => keyOf(tls, backend.checkIntervalMs, s.ip, s.port));
  keyLists.set(backend.servers, { tls, intervalMs: backend.checkIntervalMs, keys });
  return keys;
}

/** The key of the endpoint a check server checks; undefined for a free slot. */
export function keyOfCheck(c: CheckServerModel): string | undefined {
  return c.target === undefined ? undefined : checkKey(c, c.target);
}

/** Whether a backend's checks run: upstream declares them only for routes with more than one weighted endpoint. */
export function checksRun(backend: Pick<BackendModel, 'servers'>): boolean {
  let weighted = 0;
  for (const s of backend.servers) if (s.weight > 0) weighted++;
  return weighted > 1;
}

/** Every endpoint the backends send traffic to, by check key. */
export function neededChecks(backends: readonly BackendModel[]): Map<string, NeededCheck> {
  const needed = new Map<string, NeededCheck>();
  for (const b of backends) {
    if (b.servers.length === 0) continue;
    const profile = profileOf(b);
    const active = checksRun(b);
    const keys = serverCheckKeys(b);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const found = needed.get(key);
      if (found) found.active ||= active;
      else {
        const s = b.servers[i] as ServerModel;
        needed.set(key, { profile, target: { ip: s.ip, port: s.port }, active });
      }
    }
  }
  return needed;
}

/**
 * The check servers a fresh load renders for `backends`: one per endpoint
 * and profile, in key order, then free slots of the operator's profiles.
 */
export function checkServers(backends: readonly BackendModel[], settings: Pick<ConfigSettings, 'checkIntervalMs'>): CheckServerModel[] {
  const needed = neededChecks(backends);
  return checkServersFor([...needed.keys()].sort(compareText), (key) => needed.get(key) as NeededCheck, settings);
}

/** checkServers for the endpoints' check keys already in order, and each one's check (`need`). */
export function checkServersFor(keys: readonly string[], need: (key: string) => NeededCheck, settings: Pick<ConfigSettings, 'checkIntervalMs'>): CheckServerModel[] {
  const checks: CheckServerModel[] = keys.map((key, i) => {
    const n = need(key);
    return { name: checkServerName(i + 1), target: n.target, lastTarget: undefined, ...n.profile, active: n.active };
  });
  for (const profile of slotProfiles(settings)) {
    const count = freeSlots(checks.filter((c) => sameProfile(c, profile)).length);
    for (let i = 0; i < count; i++) checks.push({ name: checkServerName(checks.length + 1), target: undefined, lastTarget: undefined, ...profile, active: false });
  }
  return checks;
}

/** Check server names by the key of the endpoint each checks. */
export function trackNames(checks: readonly CheckServerModel[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const c of checks) {
    const key = keyOfCheck(c);
    if (key !== undefined) names.set(key, c.name);
  }
  return names;
}

/** Which check server a route server follows; every model holds one for each of its route servers. */
export type TrackOf = (backend: Pick<BackendModel, 'name' | 'serverTls' | 'checkIntervalMs'>, server: ServerModel) => string;

/** The check server one route server follows, found without indexing every slot (for a single lookup). */
export function trackedCheck(checks: readonly CheckServerModel[], backend: Pick<BackendModel, 'serverTls' | 'checkIntervalMs'>, server: Pick<ServerModel, 'ip' | 'port'>): string | undefined {
  const profile = profileOf(backend);
  for (const c of checks) {
    if (c.target !== undefined && c.target.port === server.port && c.target.ip === server.ip && sameProfile(c, profile)) return c.name;
  }
  return undefined;
}

export function trackOf(checks: readonly CheckServerModel[]): TrackOf {
  const names = trackNames(checks);
  return (backend, server) => {
    const name = names.get(serverCheckKey(backend, server));
    if (name === undefined) throw new Error(`no check server for ${backend.name}/${server.name}`);
    return name;
  };
}
