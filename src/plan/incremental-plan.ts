import { backendReasons, sameBackendLines, planBackend } from './backend-plan.ts';
import { planCaFileLoads } from './ca-file-plan.ts';
import { planCertificates } from './certificate-plan.ts';
import { planChecks } from './check-plan.ts';
import { limitCommands, planSettings } from './plan.ts';
import type { MapCommand, RuntimeCommand } from './commands.ts';
import { mapIdParts, type DesiredChange, type DesiredIndex } from './desired-index.ts';
import { asRan, held } from './fit-to-running.ts';
import type { CrtLineNumbers } from './crt-line-numbers.ts';
import { certificateChanges, crtCertificates, crtChanges, crtNotIn, indexedCrtList } from './incremental-certificates.ts';
import type { RunningIndex, RunningPatch } from './running-index.ts';
import { checkKey, checksRun, profileOf, sameProfile, serverCheckKey, type CheckProfile, type TrackOf } from '../config/check-servers.ts';
import type { BackendModel, CheckServerModel, ConfigModel } from '../config/model.ts';
import { keyHostOf } from '../config/match-rules.ts';
import type { MapFileName } from '../config/route-contribution.ts';
import type { ConfigSettings } from '../config/settings.ts';
import { byName, compareText } from '../domain/compare.ts';

/**
 * What the incremental planner makes of a change: nothing the worker needs
 * (`write`: the files only), runtime commands with the patch they bring the
 * running model to, or `full` when the change is beyond it (a backend of a
 * new shape, no spare or check slot left, a certificate line haproxy cannot
 * swap, new settings): the full commit step then decides, reload included.
 */
export type IncrementalPlan =
  /** Nothing the worker runs or the files say changes (e.g. a route rejected, a change no route uses). */
  | { kind: 'unchanged'; held?: HeldChange }
  | { kind: 'write'; patch: RunningPatch; held?: HeldChange }
  | { kind: 'runtime'; commands: RuntimeCommand[]; patch: RunningPatch; held?: HeldChange }
  | { kind: 'full'; why: string };

/**
 * What a reload held back by the full step carries (the routes, map keys
 * and SNIs the worker lacks), and which other routes may wait for it.
 */
export interface Holding {
  routes: ReadonlySet<string>;
  mapIds: ReadonlySet<string>;
  snis: ReadonlySet<string>;
  /**
   * Whether a route the worker does not run, with no free spare of its
   * shape, may wait for that reload too: only when the reload would not
   * come sooner for it (its namespace's reload budget).
   */
  joins: (routeKey: string) => boolean;
}

/**
 * How a change planned while a reload is held back moves what that reload
 * carries: the change's routes that wait for it (`routes`: those it did
 * not carry join it), the map keys and SNIs that now wait, and the held
 * map keys and SNIs that went live with the change (`released*`).
 */
export interface HeldChange {
  routes: Set<string>;
  mapIds: Set<string>;
  snis: Set<string>;
  releasedMapIds: Set<string>;
  releasedSnis: Set<string>;
}

export const MAP_FILES: readonly MapFileName[] = [
  'os_http_be.map',
  'os_http_be_prefix.map',
  'os_edge_reencrypt_be.map',
  'os_edge_reencrypt_be_prefix.map',
  'os_http_be_hosts.map',
  'os_edge_reencrypt_be_hosts.map',
  'os_sni_passthrough.map',
];

/** A backend as it runs before and after the change. */
interface Fit {
  routeKey: string;
  before: BackendModel;
  after: BackendModel;
}

const full = (why: string): IncrementalPlan => ({ kind: 'full', why });

/**
 * The commit step for a change, in time proportional to what it touches:
 * the same decisions fitToRunning and planUpdate make over the whole
 * model, made only for the routes, map keys, SNIs and endpoints the change
 * names. Whenever a decision could come out differently from the full
 * step's, or ask for a reload, it hands over to the full step instead.
 * `holding`: what a held-back reload carries. A route of it that the
 * worker cannot run as desired (no free spare of its shape for a new one,
 * a backend whose shape changed) waits for that reload as the full step's
 * runtime subset leaves it, running as it ran (following its pods) or not
 * at all, rather than sending the change to the full step, and so does
 * another such route that `holding.joins`: a new route's endpoints that
 * come ready one by one while its reload waits, its owner's edits of its
 * host, path or certificate, more new routes of a shape whose spares ran
 * out, or more changes that need a reload, cost each a change, not a whole
 * configuration planned again. Their map keys and crt-list lines stay as
 * the worker runs them (holdBack), and the plan says what waits now and
 * what went live (`held`).
 */
export function planIncremental(
  running: RunningIndex,
  desired: DesiredIndex,
  change: DesiredChange,
  settings: ConfigSettings,
  defaultCertificate: string,
  crtLines: () => CrtLineNumbers,
  holding?: Holding,
  loadedMaxConnections?: number,
): IncrementalPlan {
  const applied = running.model;
  const limit = planSettings(applied.settings, settings, loadedMaxConnections ?? applied.settings.maxConnections);
  if (limit === 'reload') return full('settings changed');
  if (applied.defaultCertificate !== defaultCertificate) return full('default certificate changed');

  const ruled = matchRuleChange(applied, change);
  if (ruled !== undefined) return full(ruled);
  const terminating = [...change.routes].find(([, c]) => !Bun.deepEquals(c.before?.terminates, c.after?.terminates));
  if (terminating !== undefined) return full(`${terminating[0]}: a certificate frontend changes`);

  const placed = fitRoutes(running, change, holding);
  if (!('fits' in placed)) return full(placed.why);
  // Commands go in the order of the backends as they run, as planUpdate sends them.
  const fits = placed.fits.sort((a, b) => byName(a.after, b.after));
  // What of the change goes to the worker: the routes that wait for the reload bring no certificate or backend yet.
  const routes = placed.waits.size === 0 ? change.routes : new Map([...change.routes].filter(([key]) => !placed.waits.has(key)));
  const checks = fitSlots(running, fits);
  if (!Array.isArray(checks.slots)) return full(checks.slots.why);
  const track: TrackOf = (backend, server) => {
    const key = serverCheckKey(backend, server);
    const name = checks.byKey.get(key) ?? running.slotFor(key)?.name;
    if (name === undefined) throw new Error(`no check server for ${backend.name}/${server.name}`);
    return name;
  };

  const backendCommands: RuntimeCommand[] = [];
  for (const fit of fits) {
    const plan = planBackend(fit.before, fit.after, track);
    if (plan.reasons.length > 0) return full(`${fit.after.name}: ${plan.reasons[0]?.code}`);
    backendCommands.push(...plan.commands);
  }
  const pems = [...routes.values()].flatMap((c) => c.after?.certificates ?? []);
  const caFiles = planCaFileLoads(subModel(applied, { backends: fits.map((f) => f.before) }), subModel(applied, { backends: fits.map((f) => f.after), certificates: pems }));
  if (caFiles.reasons.length > 0) return full(`CA file: ${caFiles.reasons[0]?.code}`);
  const checkPlan = planChecks(checks.before, checks.slots);
  if (checkPlan.reasons.length > 0) return full(`check slots: ${checkPlan.reasons[0]?.code}`);

  // A route the worker does not run while it waits for the reload: its keys and lines stay as they run. One that
  // runs as it ran while its new shape waits serves them from that backend, its own.
  const waits = (key: string) => running.routeBackend(key) === undefined && (placed.waits.has(key) || (holding?.routes.has(key) ?? false));
  const back = holding && holdBack(holding, running, desired, change, waits, placed.waits);
  const planned = back ? { ...change, mapIds: back.mapIds, snis: back.snis } : change;
  const maps = mapChanges(running, desired, planned, fits);
  const crt = crtChanges(running, desired, planned);
  const certificatePlan = planCertificates(
    subModel(applied, { crtList: crt.before }),
    subModel(applied, { crtList: crt.after, certificates: crtCertificates(crt.after, desired, applied.settings) }),
    indexedCrtList(running, crtLines),
  );
  if (certificatePlan.reasons.length > 0) return full(`certificates: ${certificatePlan.reasons[0]?.code}`);

  const assigned = new Map(fits.filter((f) => running.routeBackend(f.routeKey)?.name !== f.after.name).map((f) => [f.routeKey, f.after.name]));
  const leftBehind = [...routes].some(([key, c]) => c.after === undefined && running.routeBackend(key) !== undefined);
  const crtAdded = crtNotIn(crt.after, crt.before);
  const crtRemoved = crtNotIn(crt.before, crt.after);
  const patch: RunningPatch = {
    backends: fits.filter((f) => f.after !== f.before).map((f) => f.after),
    assigned,
    holds: assigned.size > 0 || leftBehind,
    checks: checks.slots,
    maps: maps.patch,
    crtRemoved,
    crtAdded,
    ...certificateChanges(running, desired, routes, fits, applied.settings, { added: crtAdded, removed: crtRemoved }),
    ...(limit === undefined ? {} : { settings }),
  };
  const { lower, raise } = limitCommands(limit, applied.settings.maxConnections);
  const deletes = backendCommands.filter((c) => c.kind === 'del-server');
  const commands: RuntimeCommand[] = [
    ...lower,
    ...certificatePlan.commands,
    ...caFiles.commands,
    ...checkPlan.start,
    ...backendCommands.filter((c) => c.kind !== 'del-server'),
    ...checkPlan.stop,
    ...maps.upserts,
    ...maps.removals,
    ...deletes,
    ...raise,
  ];
  const held = back && !isNothing(back.held) ? { held: back.held } : {};
  if (commands.length > 0) return { kind: 'runtime', commands, patch, ...held };
  return isEmpty(patch) ? { kind: 'unchanged', ...held } : { kind: 'write', patch, ...held };
}

function isNothing(h: HeldChange): boolean {
  return h.routes.size + h.mapIds.size + h.snis.size + h.releasedMapIds.size + h.releasedSnis.size === 0;
}

/**
 * Which of the change's map keys and SNIs the planner sends live while a
 * reload is held back, and how that moves what the reload carries:
 * - an SNI a waiting route has a crt-list line for keeps its lines as they
 *   run (the full step's runtime subset keeps the crt-list), and waits;
 *   a held SNI no waiting route has a line for goes live;
 * - a map key a waiting route wins keeps its entry as it runs, and waits;
 *   so does a held key, or one the worker has no entry for, whose winner's
 *   SNI waits (a route served before its certificate would answer with the
 *   default one); any other held key goes live (its winner runs, or nobody
 *   wants it any more).
 * A key won by a route that runs as it ran while its new shape waits
 * goes live on that backend, its own.
 */
function holdBack(holding: Holding, running: RunningIndex, desired: DesiredIndex, change: DesiredChange, waits: (key: string) => boolean, joined: ReadonlySet<string>): { mapIds: Set<string>; snis: Set<string>; held: HeldChange } {
  const held: HeldChange = { routes: new Set(joined), mapIds: new Set(), snis: new Set(), releasedMapIds: new Set(), releasedSnis: new Set() };
  const snis = new Set<string>();
  for (const sni of change.snis) {
    if (desired.crtLines(sni).some((e) => e.routeKey !== undefined && waits(e.routeKey))) held.snis.add(sni);
    else {
      snis.add(sni);
      if (holding.snis.has(sni)) held.releasedSnis.add(sni);
    }
  }
  const sniWaits = (sni: string) => held.snis.has(sni) || (holding.snis.has(sni) && !held.releasedSnis.has(sni));
  const mapIds = new Set<string>();
  for (const id of change.mapIds) {
    const winner = desired.mapWinner(id)?.routeKey;
    const sni = winner === undefined ? undefined : desired.contribution(winner)?.serving?.sni;
    const wasHeld = holding.mapIds.has(id);
    const { file, key } = mapIdParts(id);
    if ((winner !== undefined && waits(winner)) || (sni !== undefined && sniWaits(sni) && (wasHeld || running.mapValue(file, key) === undefined))) {
      held.mapIds.add(id);
      continue;
    }
    if (wasHeld) held.releasedMapIds.add(id);
    mapIds.add(id);
  }
  return { mapIds, snis, held };
}

function isEmpty(p: RunningPatch): boolean {
  return (
    p.backends.length === 0 &&
    p.assigned.size === 0 &&
    !p.holds &&
    p.checks.length === 0 &&
    p.maps.size === 0 &&
    p.crtRemoved.length === 0 &&
    p.crtAdded.length === 0 &&
    p.certificatesAdded.length === 0 &&
    p.certificatesRemoved.length === 0 &&
    p.settings === undefined
  );
}

/**
 * Why the change is one for the full step's match rules (config/match-rules.ts):
 * a route whose conditions or keys changed, on a host the rules serve or
 * with conditions of its own. Endpoint changes leave both alone and stay here.
 */
function matchRuleChange(applied: ConfigModel, change: DesiredChange): string | undefined {
  const hosts = applied.matchRules.length === 0 ? undefined : new Set(applied.matchRules.map((r) => r.keyHost));
  for (const [key, { before, after }] of change.routes) {
    if (Bun.deepEquals(before?.maps, after?.maps) && Bun.deepEquals(before?.matched, after?.matched) && Bun.deepEquals(before?.route.requestMatch, after?.route.requestMatch)) continue;
    if ((before?.matched.length ?? 0) > 0 || (after?.matched.length ?? 0) > 0) return `${key}: its request conditions changed`;
    const keys = [...(before?.maps ?? []), ...(after?.maps ?? [])].filter((w) => w.file !== 'os_sni_passthrough.map');
    if (hosts && keys.some((w) => hosts.has(keyHostOf(w.key)))) return `${key}: on a host served by match rules`;
  }
  return undefined;
}

/** `applied` with some parts replaced and the rest emptied: what the per-part planners read of a scope. */
function subModel(applied: ConfigModel, parts: Partial<Pick<ConfigModel, 'backends' | 'crtList' | 'certificates'>>): ConfigModel {
  return { ...applied, backends: [], checks: [], crtList: [], certificates: [], ...parts };
}

/**
 * Where each changed route runs, as fitToRunning places it: on the backend
 * it runs on when the shape is the same, else (a new route) on the first
 * free spare of its shape, in backend name order. A removed route's backend
 * stays as it is until a reload. `waits`: the routes that wait for the
 * held-back reload instead, as they run (a backend whose shape changed,
 * fitted with the endpoints it now has when the runtime can take them)
 * or not at all (no spare takes them).
 */
function fitRoutes(running: RunningIndex, change: DesiredChange, holding: Holding | undefined): { fits: Fit[]; waits: Set<string> } | { why: string } {
  const wanted = [...change.routes].flatMap(([routeKey, c]) => (c.after ? [{ routeKey, backend: c.after.backend }] : []));
  wanted.sort((a, b) => byName(a.backend, b.backend));
  const taken = new Set<string>();
  const fits: Fit[] = [];
  const waits = new Set<string>();
  for (const { routeKey, backend } of wanted) {
    const current = running.routeBackend(routeKey);
    let target: BackendModel | undefined;
    if (current) target = sameBackendLines(current, held(current, backend)) ? current : undefined;
    else target = running.freeSpare((s) => sameBackendLines(s, held(s, backend)), taken);
    if (!target && holding && (holding.routes.has(routeKey) || holding.joins(routeKey))) {
      waits.add(routeKey);
      // Running as it ran while its new shape waits, it follows its pods meanwhile.
      const ran = current && asRan(current, backend);
      if (current && ran && !Bun.deepEquals(ran, current) && backendReasons(current, ran).length === 0) fits.push({ routeKey, before: current, after: ran });
      continue;
    }
    if (!target) return { why: current ? `${routeKey}: its backend's shape changed` : `${routeKey}: no free spare of its shape` };
    taken.add(target.name);
    const after = held(target, backend);
    fits.push({ routeKey, before: target, after: Bun.deepEquals(after, target) ? target : after });
  }
  return { fits, waits };
}

/**
 * The check slots after the change, as fitChecks decides them, for the
 * endpoints whose use changed only: a slot nobody uses any more is given
 * back, one whose users now do (or no longer) run checks switches, and a
 * new endpoint takes the free slot that last checked it, else the lowest
 * free slot of its kind.
 */
function fitSlots(running: RunningIndex, fits: readonly Fit[]): { before: CheckServerModel[]; slots: CheckServerModel[] | { why: string }; byKey: Map<string, string> } {
  const delta = new Map<string, { uses: number; active: number; profile: CheckProfile; target: { ip: string; port: number } }>();
  const count = (b: BackendModel, sign: 1 | -1) => {
    if (b.servers.length === 0) return;
    const active = checksRun(b) ? sign : 0;
    const profile = profileOf(b);
    const seen = new Set<string>();
    for (const s of b.servers) {
      const key = checkKey(profile, s);
      if (seen.has(key)) continue;
      seen.add(key);
      const d = delta.get(key) ?? { uses: 0, active: 0, profile, target: { ip: s.ip, port: s.port } };
      d.uses += sign;
      d.active += active;
      delta.set(key, d);
    }
  };
  for (const f of fits) {
    if (f.before === f.after) continue;
    count(f.before, -1);
    count(f.after, +1);
  }
  const before: CheckServerModel[] = [];
  const after = new Map<string, CheckServerModel>();
  const byKey = new Map<string, string>();
  const unplaced: string[] = [];
  for (const [key, d] of delta) {
    if (d.uses === 0 && d.active === 0) continue;
    const use = running.checkUse(key) ?? { uses: 0, active: 0 };
    const uses = use.uses + d.uses;
    const active = use.active + d.active > 0;
    const slot = running.slotFor(key);
    if (!slot) {
      if (uses > 0) unplaced.push(key);
      continue;
    }
    if (uses === 0) after.set(slot.name, { ...slot, target: undefined, lastTarget: slot.target, active: false });
    else if (slot.active !== active) after.set(slot.name, { ...slot, active });
  }
  if (unplaced.length > 0) {
    const free = running.freeSlots();
    const returning = new Map(free.flatMap((c) => (c.lastTarget ? [[checkKey(c, c.lastTarget), c] as const] : [])));
    const taken = new Set<string>();
    for (const key of unplaced.sort(compareText)) {
      const d = delta.get(key) as NonNullable<ReturnType<typeof delta.get>>;
      const own = returning.get(key);
      const slot = own && !taken.has(own.name) ? own : free.find((c) => !taken.has(c.name) && sameProfile(c, d.profile));
      if (!slot) return { before, slots: { why: `no free check slot for ${key}` }, byKey };
      taken.add(slot.name);
      const use = running.checkUse(key) ?? { uses: 0, active: 0 };
      after.set(slot.name, { name: slot.name, target: d.target, lastTarget: undefined, ...d.profile, active: use.active + d.active > 0 });
      byKey.set(key, slot.name);
    }
  }
  const slots = [...after.values()].sort((a, b) => running.slotPosition(a.name) - running.slotPosition(b.name));
  for (const c of slots) before.push(running.slot(c.name) as CheckServerModel);
  return { before, slots, byKey };
}

/** The backend name a map entry should send traffic to: what the route's desired backend runs as. */
function runningValue(running: RunningIndex, desired: DesiredIndex, fits: ReadonlyMap<string, string>, routeKey: string, value: string): string {
  const own = desired.contribution(routeKey)?.backend.name;
  if (value !== own) return value;
  return fits.get(routeKey) ?? running.routeBackend(routeKey)?.name ?? value;
}

/** Map entries for the keys the change touched: the desired winner's value, in terms of running backends. */
function mapChanges(running: RunningIndex, desired: DesiredIndex, change: DesiredChange, fits: readonly Fit[]) {
  const fitted = new Map(fits.map((f) => [f.routeKey, f.after.name]));
  const patch = new Map<MapFileName, Map<string, string | undefined>>();
  const upserts: MapCommand[] = [];
  const removals: MapCommand[] = [];
  const ids = [...change.mapIds].map((id) => ({ id, ...mapIdParts(id) }));
  ids.sort((a, b) => MAP_FILES.indexOf(a.file) - MAP_FILES.indexOf(b.file) || compareText(a.key, b.key));
  for (const { id, file, key } of ids) {
    const winner = desired.mapWinner(id);
    const value = winner && runningValue(running, desired, fitted, winner.routeKey, winner.wish.value);
    const old = running.mapValue(file, key);
    if (value === old) continue;
    const changes = patch.get(file) ?? new Map<string, string | undefined>();
    changes.set(key, value);
    patch.set(file, changes);
    const map = file;
    if (value === undefined) removals.push({ kind: 'del-map', map, key });
    else upserts.push(old === undefined ? { kind: 'add-map', map, key, value } : { kind: 'set-map', map, key, value });
  }
  return { patch, upserts, removals };
}
