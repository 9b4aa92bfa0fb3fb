import { certificatePath } from '../config/certificates.ts';
import type { BackendModel, CertificateFile, ConfigModel, MapEntry, MapFiles } from '../config/model.ts';
import { isSpare } from '../config/spares.ts';
import { hashableWeights, isHashedBalance } from '../config/weights.ts';
import { byName } from '../domain/compare.ts';
import { forEachByName, patchSorted } from '../domain/sorted-arrays.ts';
import { sameBackendLines } from './backend-plan.ts';
import { checksOf, fitChecks, withChecksOf } from './fit-checks.ts';

/**
 * `b` as it runs in `holder`: under the holder's name; with the holder's
 * cookie name, which haproxy cannot change live (the key it can), unless
 * either named its cookie on purpose (`cookie_name`); and matching clients
 * against the holder's ACL file when it has one, which answers everyone
 * while `b` has no allowlist.
 */
export function held(holder: BackendModel, b: BackendModel): BackendModel {
  const rename = holder.cookie && b.cookie && !holder.cookie.named && !b.cookie.named;
  const cookie = rename && holder.cookie && b.cookie ? { ...b.cookie, name: holder.cookie.name } : b.cookie;
  return { ...b, name: holder.name, cookie, allowlistAcl: holder.allowlistAcl || b.allowlistAcl };
}

/**
 * A route's backend as it runs (`current`) with the endpoints `desired`
 * has: what the worker can take live while the backend's new shape (a new
 * balance, say) waits for a reload, so the route keeps following its pods
 * meanwhile. Weights stay within what `current`'s balance affords.
 */
export function asRan(current: BackendModel, desired: BackendModel): BackendModel {
  if (!isHashedBalance(current.balance) || current.balance === desired.balance) return { ...current, servers: desired.servers };
  const weights = hashableWeights(desired.servers.map((s) => s.weight));
  return { ...current, servers: desired.servers.map((s, i) => (s.weight === weights[i] ? s : { ...s, weight: weights[i] as number })) };
}

/**
 * Re-expresses `next` in terms of what the worker runs (`applied`), so that
 * route changes can go through the runtime API:
 * - a route keeps the backend it runs on (its own, or a spare it took over),
 *   as long as the backend's shape did not change;
 * - a new route takes a free spare of its shape;
 * - a removed route's backend stays, unreferenced, until the next reload;
 * - the remaining spares stay free; map entries and match rules point at
 *   the kept names;
 * - endpoints keep their check slots, new ones take free slots (fitChecks).
 * What cannot be fitted (a new shape, no spare left) keeps its own name, and
 * planUpdate then reloads, with the plain `next` (fresh names, full pool).
 * `next`'s checks are those of its backends, as every model's are.
 */
export function fitToRunning(applied: ConfigModel, next: ConfigModel): ConfigModel {
  const { same, before, after } = unchangedRouteBackends(applied.backends, next.backends);
  // A route the worker runs on two backends, one of them as desired: fitted as a whole, so the later one answers as ever.
  const others = new Set<string>();
  for (const b of before) if (!isSpare(b)) others.add(b.routeKey);
  if (same.some((b) => others.has(b.routeKey))) return fitted(applied, next, applied.backends, next.backends, []);
  return fitted(applied, next, before, after, same);
}

/**
 * The route backends `applied` and `next` hold as the same object (the
 * routes that did not change since the worker took them: nothing to fit),
 * and the rest of each, in order. Both are in name order, so they are
 * walked side by side: a Map of every running backend was most of
 * fitting a reload's model at 100,000 routes (BENCHMARKS.md, issue #12).
 */
function unchangedRouteBackends(applied: readonly BackendModel[], next: readonly BackendModel[]): { same: BackendModel[]; before: BackendModel[]; after: BackendModel[] } {
  const same: BackendModel[] = [];
  const before: BackendModel[] = [];
  const after: BackendModel[] = [];
  forEachByName(applied, next, (a, b) => {
    if (a !== undefined && a === b && !isSpare(a)) same.push(a);
    else {
      if (a !== undefined) before.push(a);
      if (b !== undefined) after.push(b);
    }
  });
  return { same, before, after };
}

/** fitToRunning of the backends `before` (applied's, in order) and `after` (next's), those in `same` kept as they are. */
function fitted(applied: ConfigModel, next: ConfigModel, before: readonly BackendModel[], after: readonly BackendModel[], same: readonly BackendModel[]): ConfigModel {
  const running = new Map<string, BackendModel>();
  const shadowed: BackendModel[] = [];
  const free: BackendModel[] = [];
  for (const b of before) {
    if (isSpare(b)) free.push(b);
    else {
      const earlier = running.get(b.routeKey);
      if (earlier !== undefined) shadowed.push(earlier);
      running.set(b.routeKey, b);
    }
  }
  /** Spares taken by routes. */
  const taken = new Set<string>();
  const rename = new Map<string, string>();
  const backends: BackendModel[] = [];
  for (const b of after) {
    if (isSpare(b)) continue;
    const current = running.get(b.routeKey);
    if (current !== undefined) running.delete(b.routeKey);
    // The same object runs already (the route did not change since the worker took it): nothing to fit.
    if (current === b) {
      backends.push(b);
      continue;
    }
    let target: BackendModel | undefined;
    if (current && sameBackendLines(current, held(current, b))) target = current;
    else if (!current) target = free.find((s) => !taken.has(s.name) && sameBackendLines(s, held(s, b)));
    if (target !== undefined) {
      taken.add(target.name);
      if (target.name !== b.name) rename.set(b.name, target.name);
      backends.push(held(target, b));
    } else {
      backends.push(b);
    }
  }
  // Backends the worker keeps that `next` does not have: their endpoints stay checked.
  const kept: BackendModel[] = [];
  for (const b of shadowed) if (running.has(b.routeKey)) kept.push(b);
  for (const b of running.values()) kept.push(b);
  for (const b of kept) backends.push(b);
  for (const b of free) if (!taken.has(b.name)) backends.push(b);
  // Entries naming a backend that keeps its name stay the same objects (most of them, and every one when no route moved).
  const renamed = (entries: readonly MapEntry[]) => (rename.size === 0 ? entries : entries.map((e) => (rename.has(e.value) ? { key: e.key, value: rename.get(e.value) as string } : e)));
  const maps = Object.fromEntries(Object.entries(next.maps).map(([file, entries]) => [file, renamed(entries)])) as unknown as MapFiles;
  const matchRules = next.matchRules.map((r) => (rename.has(r.value) ? { ...r, value: rename.get(r.value) as string } : r));
  const all = patchSorted(same, [], backends.sort(byName), byName);
  return { ...next, backends: all, checks: fitChecks(applied.checks, all, withChecksOf(checksOf(next.checks), kept)), maps, matchRules, certificates: certificatesInUse(applied, next, all) };
}

/**
 * `next`'s certificates, and the destination CAs that backends kept from
 * `applied` still name: their server lines are in the file a restart loads,
 * so the CA files must stay on disk until the reload that drops them.
 */
function certificatesInUse(applied: ConfigModel, next: ConfigModel, backends: readonly BackendModel[]): CertificateFile[] {
  const have = new Set(next.certificates.map((c) => c.name));
  const gone = applied.certificates.filter((c) => !have.has(c.name));
  if (gone.length === 0) return next.certificates;
  const named = new Set(backends.flatMap((b) => (b.serverTls?.verify === 'required' ? [b.serverTls.caFile] : [])));
  const kept = gone.filter((c) => named.has(certificatePath(applied.settings.certDir, c)));
  return kept.length === 0 ? next.certificates : [...next.certificates, ...kept].sort(byName);
}
