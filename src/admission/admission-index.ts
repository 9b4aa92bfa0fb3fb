import type { RouteTLS } from '../domain/route.ts';
import { objectKey, type Route } from '../domain/route.ts';
import type { AdmittedRoute } from '../domain/route-options.ts';
import { admitRoutes, type AdmissionResult, type TlsValidator, type TlsVerdict } from './admit-routes.ts';
import { isWildcardRoute } from './host-admitter.ts';
import type { Rejection } from './rejection.ts';
import { resolveHost } from './resolve-host.ts';
import { compareRouteAge, sortOldestFirst } from './route-age.ts';
import type { AdmissionSettings } from './settings.ts';
import { domainForHost } from './wildcard-claims.ts';
import { patchSorted } from '../domain/sorted-arrays.ts';
import { StringSets } from '../domain/string-sets.ts';

/** This router's verdict on one route. */
export type RouteVerdict = { admitted: AdmittedRoute; notice: string | undefined } | { rejected: Rejection };

/** Every route the index knows, and its verdict by kind; live maps, changed by every update. */
export interface AdmissionViews {
  routes: ReadonlyMap<string, Route>;
  admitted: ReadonlyMap<string, AdmittedRoute>;
  rejected: ReadonlyMap<string, Rejection>;
  notices: ReadonlyMap<string, string>;
}

/** What changed in one update: routes whose verdict is new, different, or gone. */
export interface AdmissionChanges {
  changed: Set<string>;
}

const sameRejection = (a: Rejection | undefined, b: Rejection | undefined) => a?.reason === b?.reason && a?.message === b?.message;

function sameVerdict(a: RouteVerdict | undefined, b: RouteVerdict | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if ('rejected' in a || 'rejected' in b) return 'rejected' in a && 'rejected' in b && sameRejection(a.rejected, b.rejected);
  return a.admitted === b.admitted && a.notice === b.notice;
}

/**
 * Admission kept up to date one change at a time, with the verdicts
 * admitRoutes would give the whole set. Routes only compete with routes of
 * the same host (ownership, host+path uniqueness), except when wildcard
 * routes are allowed and a domain holds one: then a wildcard and the plain
 * hosts of its domain compete across hosts. So a change re-admits only its
 * host's routes, or its whole domain's when the domain has a wildcard route
 * (before or after the change), in age order as admitRoutes does; every
 * other verdict stands. Unchanged routes keep their admitted object, so the
 * model can tell what it must rebuild by identity.
 */
export class AdmissionIndex {
  private readonly routes = new Map<string, Route>();
  private readonly byHost = new StringSets<string>();
  private readonly hostsByDomain = new StringSets<string>();
  /** Routes asking to be wildcards, per domain: only they make a domain one group. */
  private readonly wildcards = new Map<string, number>();
  private held: ReadonlyMap<string, Rejection> = new Map();
  /**
   * Every verdict, by kind: the tables the commit reports, and the only
   * ones (a table of verdicts besides them cost 6.8 MB at 100,000 routes,
   * and an object per route).
   */
  private readonly live = { routes: this.routes, admitted: new Map<string, AdmittedRoute>(), rejected: new Map<string, Rejection>(), notices: new Map<string, string>() };
  /** The last certificate verdict of each route, with the TLS it was for: re-admitting a group does no crypto twice. */
  private readonly tlsVerdicts = new Map<string, { tls: RouteTLS; verdict: TlsVerdict }>();
  /**
   * The admitted routes oldest first as result() last gave them, and the
   * routes admitted differently since, with the object that list holds:
   * the next result() patches it rather than sorting every route again.
   */
  private oldestFirst: { routes: readonly AdmittedRoute[]; before: Map<string, AdmittedRoute | undefined> } | undefined;

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly validateTls: TlsValidator | undefined,
  ) {}

  /**
   * Applies routes added or changed (`upserts`), gone (`removals`, by key)
   * and the routes held back now (`held`), and re-admits what they touch.
   */
  update(upserts: readonly Route[], removals: readonly string[], held: ReadonlyMap<string, Rejection>): AdmissionChanges {
    const hosts = new Set<string>();
    const domains = new Set<string>();
    const touch = (key: string) => {
      const host = this.hostOf(key);
      if (host === undefined) return;
      const domain = domainForHost(host);
      if ((this.wildcards.get(domain) ?? 0) > 0) domains.add(domain);
      else hosts.add(host);
    };
    const touched = new Set<string>();
    for (const key of removals) {
      touch(key);
      this.unindex(key);
      touched.add(key);
    }
    for (const route of upserts) {
      const key = objectKey(route);
      touch(key);
      this.unindex(key);
      this.index(key, route);
      touch(key);
      touched.add(key);
    }
    for (const key of new Set([...this.held.keys(), ...held.keys()])) {
      if (!sameRejection(this.held.get(key), held.get(key))) touch(key);
    }
    this.held = held;
    const keys = this.groupKeys(hosts, domains);
    return { changed: this.readmit(keys, touched) };
  }

  verdict(key: string): RouteVerdict | undefined {
    const rejected = this.live.rejected.get(key);
    if (rejected) return { rejected };
    const admitted = this.live.admitted.get(key);
    return admitted && { admitted, notice: this.live.notices.get(key) };
  }

  /** Every verdict as admitRoutes gives it: admitted routes oldest first. */
  result(): AdmissionResult {
    return { admitted: this.admittedOldestFirst(), rejected: new Map(this.live.rejected), notices: new Map(this.live.notices), considered: this.routes };
  }

  private admittedOldestFirst(): AdmittedRoute[] {
    const last = this.oldestFirst;
    let routes: AdmittedRoute[];
    if (last === undefined) routes = sortOldestFirst(this.live.admitted.values()) as AdmittedRoute[];
    else {
      const removed: AdmittedRoute[] = [];
      const added: AdmittedRoute[] = [];
      for (const [key, before] of last.before) {
        const now = this.live.admitted.get(key);
        if (now === before) continue;
        if (before) removed.push(before);
        if (now) added.push(now);
      }
      routes = patchSorted(last.routes, removed, added, compareRouteAge);
      // One that lost count (an order it could not search) gives way to a sort of them all.
      if (routes.length !== this.live.admitted.size) routes = sortOldestFirst(this.live.admitted.values()) as AdmittedRoute[];
    }
    this.oldestFirst = { routes, before: new Map() };
    return routes.slice();
  }

  /**
   * The verdicts as they stand, kept by kind as they change: what a commit
   * reports without copying them (read them before the next update).
   */
  get views(): AdmissionViews {
    return this.live;
  }

  private record(key: string, verdict: RouteVerdict | undefined): void {
    const { admitted, rejected, notices } = this.live;
    if (this.oldestFirst && !this.oldestFirst.before.has(key)) this.oldestFirst.before.set(key, admitted.get(key));
    admitted.delete(key);
    rejected.delete(key);
    notices.delete(key);
    if (verdict === undefined) return;
    if ('rejected' in verdict) rejected.set(key, verdict.rejected);
    else {
      admitted.set(key, verdict.admitted);
      if (verdict.notice !== undefined) notices.set(key, verdict.notice);
    }
  }

  /** The host a route is indexed under (subdomain, hostname template): resolved again rather than kept, as it was when indexed (the route and the settings are the same). */
  private hostOf(key: string): string | undefined {
    const route = this.routes.get(key);
    return route && resolveHost(route, this.settings);
  }

  private index(key: string, route: Route): void {
    const host = resolveHost(route, this.settings);
    this.routes.set(key, route);
    this.byHost.add(host, key);
    const domain = domainForHost(host);
    this.hostsByDomain.add(domain, host);
    if (this.settings.allowWildcardRoutes && isWildcardRoute(route)) this.wildcards.set(domain, (this.wildcards.get(domain) ?? 0) + 1);
  }

  private unindex(key: string): void {
    const route = this.routes.get(key);
    if (route === undefined) return;
    const host = resolveHost(route, this.settings);
    this.routes.delete(key);
    this.byHost.delete(host, key);
    const domain = domainForHost(host);
    if (this.byHost.size(host) === 0) this.hostsByDomain.delete(domain, host);
    if (this.settings.allowWildcardRoutes && isWildcardRoute(route)) {
      const left = (this.wildcards.get(domain) ?? 1) - 1;
      if (left > 0) this.wildcards.set(domain, left);
      else this.wildcards.delete(domain);
    }
  }

  private groupKeys(hosts: ReadonlySet<string>, domains: ReadonlySet<string>): string[] {
    const keys: string[] = [];
    for (const domain of domains) for (const host of this.hostsByDomain.get(domain)) keys.push(...this.byHost.get(host));
    for (const host of hosts) if (!domains.has(domainForHost(host))) keys.push(...this.byHost.get(host));
    return keys;
  }

  /** Re-admits `keys` together and records what changed; `touched` routes changed or left whatever their verdict. */
  private readmit(keys: readonly string[], touched: ReadonlySet<string>): Set<string> {
    const changed = new Set<string>();
    for (const key of touched) {
      if (!this.routes.has(key)) {
        if (this.verdict(key) !== undefined) changed.add(key);
        this.record(key, undefined);
        this.tlsVerdicts.delete(key);
      }
    }
    const group = keys.map((key) => this.routes.get(key)).filter((r): r is Route => r !== undefined);
    const { admitted, rejected, notices } = admitRoutes(group, this.settings, this.validateTls && this.rememberedTls(this.validateTls), this.held);
    const next = new Map<string, RouteVerdict>();
    for (const route of admitted) {
      const key = objectKey(route);
      const before = this.live.admitted.get(key);
      // An unchanged outcome keeps its object: the model rebuilds by identity.
      const kept = before && Bun.deepEquals(before, route) ? before : route;
      next.set(key, { admitted: kept, notice: notices.get(key) });
    }
    for (const [key, rejection] of rejected) {
      next.set(key, { rejected: rejection });
      // The same rejection of a route that changed is news to its status, whose entry names the route's host and
      // wildcard policy (upstream rewrites those for rejections too).
      if (touched.has(key)) changed.add(key);
    }
    for (const [key, verdict] of next) {
      if (sameVerdict(this.verdict(key), verdict)) continue;
      changed.add(key);
      this.record(key, verdict);
    }
    return changed;
  }

  private rememberedTls(validate: TlsValidator): TlsValidator {
    return (route) => {
      const key = objectKey(route);
      const memo = this.tlsVerdicts.get(key);
      if (memo && route.tls && Bun.deepEquals(memo.tls, route.tls)) return memo.verdict;
      const verdict = validate(route);
      if (route.tls) this.tlsVerdicts.set(key, { tls: route.tls, verdict });
      return verdict;
    };
  }
}
