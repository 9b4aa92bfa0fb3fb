import { compareRouteAge, sortOldestFirst } from '../admission/route-age.ts';
import { addCrtListEntry, assembleModel, compareCrtListEntries, crtList, crtListEntry, mergeWishes, servingRoutes } from '../config/build-model.ts';
import { routesPerPool } from '../config/spare-pool-sizes.ts';
import { sparePoolOf } from '../config/spares.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { checkServersFor, checksRun, freeSlots, profileOf, serverCheckKeys, slotProfiles, type NeededCheck } from '../config/check-servers.ts';
import type { BackendModel, CertificateFile, ConfigModel, CrtListEntry, MapEntry, MapFiles } from '../config/model.ts';
import { routeContribution, takesOver, type ContributionContext, type MapFileName, type MapWish, type RouteContribution } from '../config/route-contribution.ts';
import { byName, compareText } from '../domain/compare.ts';
import type { EndpointSlice } from '../domain/endpoints.ts';
import { objectKey } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { lowerBound, patchSorted } from '../domain/sorted-arrays.ts';
import { StringSets } from '../domain/string-sets.ts';

/** One route whose part of the configuration changed: before (undefined: it was not served) and after. */
export interface ContributionChange {
  before: RouteContribution | undefined;
  after: RouteContribution | undefined;
}

/** What one update changed in the desired configuration. */
export interface DesiredChange {
  routes: Map<string, ContributionChange>;
  /** Map keys (`file\0key`, see mapId) whose winner may differ. */
  mapIds: Set<string>;
  /** SNIs whose crt-list lines may differ. */
  snis: Set<string>;
}

/**
 * Adds a later change to `into`, as if both had been one update: a route
 * changed by both goes from the first one's before to the last one's after.
 */
export function mergeChange(into: DesiredChange, later: DesiredChange): void {
  for (const [key, c] of later.routes) {
    const earlier = into.routes.get(key);
    const before = earlier ? earlier.before : c.before;
    if (before === undefined && c.after === undefined) into.routes.delete(key);
    else into.routes.set(key, { before, after: c.after });
  }
  for (const id of later.mapIds) into.mapIds.add(id);
  for (const sni of later.snis) into.snis.add(sni);
}

/** A map key across files. */
export function mapId(wish: Pick<MapWish, 'file' | 'key'>): string {
  return `${wish.file}\u0000${wish.key}`;
}

/** The file and key a map id names (mapId's inverse). */
export function mapIdParts(id: string): Pick<MapWish, 'file' | 'key'> {
  const at = id.indexOf('\u0000');
  return { file: id.slice(0, at) as MapWish['file'], key: id.slice(at + 1) };
}

/** Which route's wish holds a map key. */
export interface MapWinner {
  routeKey: string;
  wish: MapWish;
}

const profileId = (p: { tls: boolean; intervalMs: number }) => `${p.tls} ${p.intervalMs}`;

/** Whether two contributions of a route make the same map wishes and crt-list line with the same age (what mapWinner orders by). */
function sameWishes(a: RouteContribution, b: RouteContribution): boolean {
  return a.route.creationTimestamp === b.route.creationTimestamp && a.route.uid === b.route.uid && Bun.deepEquals(a.maps, b.maps) && Bun.deepEquals(a.serving, b.serving);
}

const serviceOfSlice = (slice: EndpointSlice) => `${slice.namespace}/${slice.serviceName}`;

/** An endpoint some backends send traffic to: its check, and how many backends use it, and run checks. */
interface CheckUse {
  profile: NeededCheck['profile'];
  target: NeededCheck['target'];
  uses: number;
  active: number;
}

/**
 * The parts of the last model built (ModelParts, the check keys in order
 * for its checks) and what changed since, which the next build patches
 * them with: a reload's decision builds the whole model while changes
 * wait, and merging every route's map wishes, collecting the checks and
 * sorting took about 0.25 of its 0.65 s at 100,000 routes (BENCHMARKS.md,
 * issue #12).
 */
interface BuiltParts {
  /** Every contribution, oldest route first. */
  contributions: readonly RouteContribution[];
  routeBackends: readonly BackendModel[];
  routesPerPool: ReadonlyMap<string, number>;
  checkKeys: readonly string[];
  maps: MapFiles;
  crtList: CrtListEntry[];
  /** Routes changed since, with their contribution as `contributions` holds it. */
  before: Map<string, RouteContribution | undefined>;
  /** Map keys whose winner may differ, by file. */
  mapKeys: Map<MapFileName, Set<string>>;
  /** SNIs whose crt-list lines may differ. */
  snis: Set<string>;
  /** Check keys whose use began or ended, with whether `checkKeys` holds them. */
  checkKeysBefore: Map<string, boolean>;
}

/** What BuiltParts notes of the changes since it was built. */
type SinceBuilt = 'before' | 'mapKeys' | 'snis' | 'checkKeysBefore';

const byKey = (a: MapEntry, b: MapEntry) => compareText(a.key, b.key);
const olderRoute = (a: RouteContribution, b: RouteContribution) => compareRouteAge(a.route, b.route);
const backendOf = (c: RouteContribution) => c.backend;

/**
 * The desired configuration kept one route at a time: every admitted
 * route's contribution (routeContribution, as a full build computes it),
 * and what contributions share, indexed so a change finds what it touches:
 * routes by the services they send traffic to, map keys by the routes
 * that want them, crt-list lines by SNI and certificate, check endpoints
 * by use. `model()` gives what buildConfigModel gives for the same routes.
 */
export class DesiredIndex {
  private readonly contributions = new Map<string, RouteContribution>();
  private readonly routesByService = new StringSets<string>();
  private readonly slicesByService = new Map<string, EndpointSlice[]>();
  /** Each slice as it is filed under its service, by slice key. */
  private readonly filedSlices = new Map<string, EndpointSlice>();
  /** The routes wanting each map key, by file: keyed by the wishes' own key strings, not by a joined id per wish. */
  private readonly wishers = new Map<string, StringSets<string>>();
  private readonly servingBySni = new StringSets<string>();
  /** The SNIs each serving certificate file is served for, with how many routes serve it for each. */
  private readonly servingByFile = new Map<string, Map<string, number>>();
  private readonly certificateUses = new Map<string, { file: CertificateFile; uses: number }>();
  private readonly checkUses = new Map<string, CheckUse>();
  private readonly checksPerProfile = new Map<string, number>();
  /** Undefined until a model is built, and again after a new context (every contribution changed). */
  private built: BuiltParts | undefined;
  /** The spare pool of each route backend's shape, for the settings it was made for. */
  private poolOf: { settings: ConfigSettings; of: (b: BackendModel) => string | undefined } | undefined;

  constructor(private ctx: ContributionContext) {}

  get context(): ContributionContext {
    return this.ctx;
  }

  /**
   * Applies new verdicts (`routes`: the admitted route, or undefined when
   * it is not served) and slice changes (by slice key; undefined: gone),
   * and recomputes the contributions they touch.
   */
  update(routes: ReadonlyMap<string, AdmittedRoute | undefined>, slices: ReadonlyMap<string, EndpointSlice | undefined>): DesiredChange {
    const dirty = new Set<string>();
    for (const [key, slice] of slices) {
      for (const service of this.setSlice(key, slice)) for (const routeKey of this.routesByService.get(service)) dirty.add(routeKey);
    }
    const change: DesiredChange = { routes: new Map(), mapIds: new Set(), snis: new Set() };
    const next = new Map<string, AdmittedRoute | undefined>();
    for (const key of dirty) next.set(key, this.contributions.get(key)?.route);
    for (const [key, route] of routes) next.set(key, route);
    for (const [key, route] of next) this.replace(key, route && routeContribution(route, this.slicesByService, this.ctx), change);
    this.sinceBuilt(change);
    return change;
  }

  /** Recomputes every contribution with a new context (settings, default CA, address filter); returns the change. */
  setContext(ctx: ContributionContext): DesiredChange {
    this.ctx = ctx;
    this.built = undefined;
    const change: DesiredChange = { routes: new Map(), mapIds: new Set(), snis: new Set() };
    for (const [key, c] of [...this.contributions]) this.replace(key, routeContribution(c.route, this.slicesByService, ctx), change);
    return change;
  }

  contribution(key: string): RouteContribution | undefined {
    return this.contributions.get(key);
  }

  /** Every slice, for a build from scratch. */
  *slices(): Iterable<EndpointSlice> {
    for (const group of this.slicesByService.values()) yield* group;
  }

  get size(): number {
    return this.contributions.size;
  }

  /** The wish that holds a map key, as mergeWishes picks it: the oldest explicit wish, else the oldest. */
  mapWinner(id: string): MapWinner | undefined {
    const { file, key } = mapIdParts(id);
    return this.winner(file, key);
  }

  private winner(file: MapFileName, key: string): MapWinner | undefined {
    const candidates = [...(this.wishers.get(file)?.get(key) ?? [])].map((k) => this.contributions.get(k) as RouteContribution);
    if (candidates.length > 1) candidates.sort((a, b) => compareRouteAge(a.route, b.route));
    let winner: MapWinner | undefined;
    for (const c of candidates) for (const w of c.maps) if (w.file === file && w.key === key && takesOver(w, winner?.wish)) winner = { routeKey: c.key, wish: w };
    return winner;
  }

  /** A certificate file some admitted route refers to, by name. */
  certificate(name: string): CertificateFile | undefined {
    return this.certificateUses.get(name)?.file;
  }

  /** The crt-list lines wanted for an SNI: one per certificate and options, whatever the number of routes. */
  crtLines(sni: string): CrtListEntry[] {
    const lines = new Map<string, CrtListEntry>();
    for (const key of this.servingBySni.get(sni)) {
      const serving = this.contributions.get(key)?.serving;
      if (!serving) continue;
      addCrtListEntry(lines, crtListEntry({ ...serving, routeKey: key }, this.servingByFile.get(serving.file.name)?.size === 1, this.ctx.settings));
    }
    return [...lines.values()];
  }

  /** How many check servers a fresh load renders: one per endpoint and profile, and the free slots. */
  checkServerCount(): number {
    let count = this.checkUses.size;
    for (const profile of slotProfiles(this.ctx.settings)) count += freeSlots(this.checksPerProfile.get(profileId(profile)) ?? 0);
    return count;
  }

  /**
   * The whole configuration, as buildConfigModel gives it for the same
   * routes and slices. `admitted`: every route the index holds, oldest
   * first, when the caller has them sorted already (admission's result),
   * for the first build: later ones patch the one before.
   */
  model(defaultCertificate: string, admitted?: readonly AdmittedRoute[]): ConfigModel {
    const patched = this.built && this.patched(this.built);
    // A patch that lost count (an order it could not search) gives way to a build from every contribution.
    const parts = patched && patched.contributions.length === this.contributions.size ? patched : this.fresh(admitted);
    this.built = { ...parts, before: new Map(), mapKeys: new Map(), snis: new Set(), checkKeysBefore: new Map() };
    const { settings } = this.ctx;
    const need = (key: string): NeededCheck => {
      const use = this.checkUses.get(key) as CheckUse;
      return { profile: use.profile, target: use.target, active: use.active > 0 };
    };
    const checks = checkServersFor(parts.checkKeys, need, settings);
    const { contributions, routeBackends, routesPerPool: pools, maps, crtList: lines } = parts;
    return assembleModel(contributions, { routeBackends, routesPerPool: pools, checks, maps, crtList: lines }, settings, defaultCertificate);
  }

  /**
   * Folds what changed since the last build into its parts, as model() does
   * without assembling a model. Until then the parts hold every route's
   * contribution as it was at the last build (a reload), so a router with
   * changes and no reload kept one old contribution per route changed.
   */
  rebase(): void {
    if (!this.built) return;
    const patched = this.patched(this.built);
    this.built = patched.contributions.length === this.contributions.size ? { ...patched, before: new Map(), mapKeys: new Map(), snis: new Set(), checkKeysBefore: new Map() } : undefined;
  }

  /** The parts of a model from every contribution; `admitted`: as in model(). */
  private fresh(admitted: readonly AdmittedRoute[] | undefined): Omit<BuiltParts, SinceBuilt> {
    const oldestFirst = admitted?.length === this.contributions.size ? admitted : sortOldestFirst([...this.contributions.values()].map((c) => c.route));
    const contributions = oldestFirst.map((r) => this.contributions.get(objectKey(r)) as RouteContribution);
    const routeBackends = contributions.map((c) => c.backend).sort(byName);
    return {
      contributions,
      routeBackends,
      routesPerPool: routesPerPool(routeBackends, this.ctx.settings),
      checkKeys: [...this.checkUses.keys()].sort(compareText),
      maps: mergeWishes(contributions),
      crtList: crtList(servingRoutes(contributions), this.ctx.settings),
    };
  }

  /** The parts of the last model patched with what changed since. */
  private patched(b: BuiltParts): Omit<BuiltParts, SinceBuilt> {
    const removed: RouteContribution[] = [];
    const added: RouteContribution[] = [];
    for (const [key, before] of b.before) {
      const after = this.contributions.get(key);
      if (before === after) continue;
      if (before) removed.push(before);
      if (after) added.push(after);
    }
    const changed = removed.length + added.length > 0;
    return {
      contributions: changed ? patchSorted(b.contributions, removed, added, olderRoute) : b.contributions,
      routeBackends: changed ? patchSorted(b.routeBackends, removed.map(backendOf), added.map(backendOf), byName) : b.routeBackends,
      routesPerPool: changed ? this.patchedPools(b.routesPerPool, removed, added) : b.routesPerPool,
      checkKeys: this.patchedCheckKeys(b),
      maps: this.patchedMaps(b),
      crtList: this.patchedCrtList(b),
    };
  }

  /** routesPerPool of the routes' backends, counted again only for those that changed: 30 ms a reload at 100,000 routes. */
  private patchedPools(pools: ReadonlyMap<string, number>, removed: readonly RouteContribution[], added: readonly RouteContribution[]): ReadonlyMap<string, number> {
    const { settings } = this.ctx;
    if (settings.sparesPerShape === 0) return pools;
    if (this.poolOf?.settings !== settings) this.poolOf = { settings, of: sparePoolOf(settings) };
    const poolOf = this.poolOf.of;
    const next = new Map(pools);
    const count = (delta: number) => (c: RouteContribution) => {
      const pool = poolOf(c.backend);
      if (pool === undefined) return;
      const n = (next.get(pool) ?? 0) + delta;
      if (n > 0) next.set(pool, n);
      else next.delete(pool);
    };
    removed.forEach(count(-1));
    added.forEach(count(+1));
    return next;
  }

  private patchedCheckKeys(b: BuiltParts): readonly string[] {
    const removed: string[] = [];
    const added: string[] = [];
    for (const [key, held] of b.checkKeysBefore) {
      const used = this.checkUses.has(key);
      if (held && !used) removed.push(key);
      else if (!held && used) added.push(key);
    }
    return removed.length + added.length === 0 ? b.checkKeys : patchSorted(b.checkKeys, removed, added, compareText);
  }

  private patchedMaps(b: BuiltParts): MapFiles {
    if (b.mapKeys.size === 0) return b.maps;
    const maps = { ...b.maps };
    for (const [file, keys] of b.mapKeys) {
      const removed: MapEntry[] = [];
      const added: MapEntry[] = [];
      for (const key of keys) {
        removed.push({ key, value: '' });
        const winner = this.winner(file, key);
        if (winner) added.push({ key, value: winner.wish.value });
      }
      maps[file] = patchSorted(b.maps[file], removed, added, byKey);
    }
    return maps;
  }

  private patchedCrtList(b: BuiltParts): CrtListEntry[] {
    if (b.snis.size === 0) return b.crtList;
    const removed: CrtListEntry[] = [];
    const added: CrtListEntry[] = [];
    for (const sni of b.snis) {
      for (let at = lowerBound(b.crtList, { sni, certFile: '', alpn: false }, compareCrtListEntries); b.crtList[at]?.sni === sni; at++) removed.push(b.crtList[at] as CrtListEntry);
      added.push(...this.crtLines(sni));
    }
    return patchSorted(b.crtList, removed, added, compareCrtListEntries);
  }

  /** Notes what an update changed for the next build to patch. */
  private sinceBuilt(change: DesiredChange): void {
    const b = this.built;
    if (!b) return;
    for (const [key, c] of change.routes) if (!b.before.has(key)) b.before.set(key, c.before);
    for (const id of change.mapIds) {
      const { file, key } = mapIdParts(id);
      let keys = b.mapKeys.get(file);
      if (!keys) b.mapKeys.set(file, (keys = new Set()));
      keys.add(key);
    }
    for (const sni of change.snis) b.snis.add(sni);
  }

  /**
   * Files a slice under its service; returns the services whose endpoints
   * changed. A service's slices are one array, in the order they came (a
   * slice replaced keeps its place): a Map per service beside it cost some
   * 300 bytes a service, most services having one slice.
   */
  private setSlice(key: string, slice: EndpointSlice | undefined): string[] {
    const old = this.filedSlices.get(key);
    const before = old && serviceOfSlice(old);
    const service = slice && serviceOfSlice(slice);
    if (slice) this.filedSlices.set(key, slice);
    else this.filedSlices.delete(key);
    if (old && slice && service === before) {
      this.slicesByService.set(service as string, (this.slicesByService.get(service as string) ?? []).map((s) => (s === old ? slice : s)));
      return [service as string];
    }
    const services: string[] = [];
    if (old && before !== undefined) {
      const rest = (this.slicesByService.get(before) ?? []).filter((s) => s !== old);
      if (rest.length > 0) this.slicesByService.set(before, rest);
      else this.slicesByService.delete(before);
      services.push(before);
    }
    if (slice && service !== undefined) {
      this.slicesByService.set(service, [...(this.slicesByService.get(service) ?? []), slice]);
      services.push(service);
    }
    return services;
  }

  private replace(key: string, next: RouteContribution | undefined, change: DesiredChange): void {
    const before = this.contributions.get(key);
    if (before === undefined && next === undefined) return;
    // A change that leaves a route's map wishes, crt-list line and age as they were (its endpoints, most often) changes
    // no map key's winner or value and no crt-list line: its keys and SNI are not the change's. Named, they would tie
    // the change to whatever waits on them (a new route's reload, held back).
    const same = before !== undefined && next !== undefined && sameWishes(before, next);
    if (before) this.unindex(before, change, same);
    const after = next && this.sharingCertificates(next);
    if (after) {
      this.contributions.set(key, after);
      this.index(after, change, same);
    } else this.contributions.delete(key);
    const earlier = change.routes.get(key);
    change.routes.set(key, { before: earlier ? earlier.before : before, after });
  }

  /**
   * `c` with the certificate files other routes already hold: each route
   * builds its own copy of a file's PEM, and a wildcard certificate on
   * thousands of routes was kept once per route (3,500 copies in the scale
   * bench's mix, 3 MB at 10,000 routes).
   */
  private sharingCertificates(c: RouteContribution): RouteContribution {
    if (c.certificates.length === 0) return c;
    const held = (file: CertificateFile) => this.certificateUses.get(file.name)?.file ?? file;
    return {
      ...c,
      certificates: c.certificates.map(held),
      serving: c.serving && { ...c.serving, file: held(c.serving.file) },
      terminates: c.terminates && { ...c.terminates, file: held(c.terminates.file) },
    };
  }

  private index(c: RouteContribution, change: DesiredChange, same: boolean): void {
    const { route } = c;
    for (const target of [route.to, ...route.alternateBackends]) this.routesByService.add(`${route.namespace}/${target.name}`, c.key);
    for (const w of c.maps) {
      let inFile = this.wishers.get(w.file);
      if (!inFile) this.wishers.set(w.file, (inFile = new StringSets<string>()));
      inFile.add(w.key, c.key);
      if (!same) change.mapIds.add(mapId(w));
    }
    if (c.serving) this.serve(c.key, c.serving, +1, same ? undefined : change);
    for (const file of c.certificates) {
      const held = this.certificateUses.get(file.name);
      if (held) held.uses++;
      else this.certificateUses.set(file.name, { file, uses: 1 });
    }
    this.countChecks(c, +1);
  }

  private unindex(c: RouteContribution, change: DesiredChange, same: boolean): void {
    const { route } = c;
    for (const target of [route.to, ...route.alternateBackends]) this.routesByService.delete(`${route.namespace}/${target.name}`, c.key);
    for (const w of c.maps) {
      this.wishers.get(w.file)?.delete(w.key, c.key);
      if (!same) change.mapIds.add(mapId(w));
    }
    if (c.serving) this.serve(c.key, c.serving, -1, same ? undefined : change);
    for (const file of c.certificates) {
      const held = this.certificateUses.get(file.name);
      if (held && --held.uses === 0) this.certificateUses.delete(file.name);
    }
    this.countChecks(c, -1);
  }

  /**
   * A serving certificate comes or goes; whether its other users offer
   * HTTP/2 may flip with it. `change` undefined: the route serves as it
   * did, and stays where it is among the SNI's users (the lines' order).
   */
  private serve(key: string, serving: NonNullable<RouteContribution['serving']>, delta: 1 | -1, change: DesiredChange | undefined): void {
    if (!change) return;
    const file = serving.file.name;
    const sni = serving.sni;
    let snis = this.servingByFile.get(file);
    if (!snis) this.servingByFile.set(file, (snis = new Map()));
    const before = snis.size;
    if (delta > 0) {
      this.servingBySni.add(sni, key);
      snis.set(sni, (snis.get(sni) ?? 0) + 1);
    } else {
      this.servingBySni.delete(sni, key);
      const left = (snis.get(sni) ?? 1) - 1;
      if (left > 0) snis.set(sni, left);
      else snis.delete(sni);
      if (snis.size === 0) this.servingByFile.delete(file);
    }
    change.snis.add(sni);
    // Another host's line changes only when the certificate becomes, or stops being, one host's alone: with a
    // wildcard certificate on thousands of hosts, touching them all would make every change cost them all.
    const flipped = (before === 1 && snis.size === 2) || (before === 2 && snis.size === 1);
    if (flipped) for (const other of snis.keys()) change.snis.add(other);
  }

  private countChecks(c: RouteContribution, delta: 1 | -1): void {
    const { backend } = c;
    const keys = serverCheckKeys(backend);
    if (keys.length === 0) return;
    const profile = profileOf(backend);
    const active = checksRun(backend) ? delta : 0;
    // Most backends have a few servers, where a Set per route to drop a repeated endpoint cost more than the counting.
    const unique = keys.length <= 8 ? keys.filter((key, i) => keys.indexOf(key) === i) : new Set(keys);
    for (const key of unique) {
      let use = this.checkUses.get(key);
      if (use === undefined) {
        const server = backend.servers[keys.indexOf(key)] as BackendModel['servers'][number];
        this.checkUses.set(key, (use = { profile, target: { ip: server.ip, port: server.port }, uses: 0, active: 0 }));
      }
      use.uses += delta;
      use.active += active;
      if (use.uses <= 0) this.checkUses.delete(key);
      if ((delta > 0 && use.uses === 1) || (delta < 0 && use.uses === 0)) {
        if (this.built && !this.built.checkKeysBefore.has(key)) this.built.checkKeysBefore.set(key, delta < 0);
        const id = profileId(profile);
        this.checksPerProfile.set(id, (this.checksPerProfile.get(id) ?? 0) + delta);
      }
    }
  }
}
