import { checksRun, keyOfCheck, serverCheckKeys } from '../config/check-servers.ts';
import { backendFile, fileCounts } from '../config/config-files.ts';
import type { BackendModel, CheckServerModel, ConfigModel, CrtListEntry, MapEntry } from '../config/model.ts';
import { isSpare, sparePool } from '../config/spares.ts';
import { compareCrtListEntries } from '../config/build-model.ts';
import { CRT_LIST_FILE, crtListLine } from '../config/crt-list.ts';
import { CrtListLines } from '../config/crt-list-lines.ts';
import { MapChunks } from '../config/map-chunks.ts';
import type { PatchLookup } from '../config/render.ts';
import type { MapFileName } from '../config/route-contribution.ts';
import { byName, compareText } from '../domain/compare.ts';
import { StringSets } from '../domain/string-sets.ts';
import { lowerBound, patchSorted } from '../domain/sorted-arrays.ts';
import { withPatchedMaps, type CheckUse, type RunningPatch, type Undo } from './running-patch.ts';

export type { CheckUse, RunningPatch } from './running-patch.ts';

/**
 * The model the worker runs, indexed for the incremental planner: which
 * backend each route runs on, the free spares, the check slots by endpoint
 * and how many backends use each, map values, crt-list lines by SNI and
 * how many name each certificate file, certificates, and how many backends verify by each CA. Built once per
 * load (in time proportional to the model) and then kept in step patch by
 * patch, each in time proportional to the patch.
 */
const EMPTY_MAP = MapChunks.of([]);

export class RunningIndex {
  private readonly backends = new Map<string, BackendModel>();
  private readonly routeBackends = new Map<string, string>();
  private readonly spares = new Set<string>();
  /** The free spares' names by pool, each in name order, once asked for; kept as spares are taken. */
  private freeByPool: Map<string, string[]> | undefined;
  private readonly slotIndex = new Map<string, number>();
  private readonly slotByKey = new Map<string, number>();
  private readonly freeSlotSet = new Set<number>();
  private readonly checkUses = new Map<string, CheckUse>();
  private readonly mapFiles = new Map<MapFileName, MapChunks>();
  /** crt-list lines by their text (crtListLine). */
  private readonly crtByLine = new Map<string, CrtListEntry>();
  private readonly crtBySni = new StringSets<string>();
  private readonly crtFileLines = new Map<string, number>();
  /** The crt-list file's lines, kept in step. */
  private readonly crtListLines: CrtListLines;
  private readonly certificateNames = new Set<string>();
  private readonly caUses = new Map<string, number>();
  /** Backend names by the file they are rendered into, in name order (backends are never added or removed by a patch). */
  private readonly files = new Map<string, string[]>();
  /** What the last patch replaced in the model's arrays, until it is settled or reverted. */
  private undo: Undo | undefined;

  constructor(public model: ConfigModel) {
    const counts = fileCounts(model);
    for (const b of model.backends) {
      this.backends.set(b.name, b);
      const file = backendFile(b.name, counts.backends);
      const names = this.files.get(file);
      if (names) names.push(b.name);
      else this.files.set(file, [b.name]);
      if (isSpare(b)) this.spares.add(b.name);
      else this.routeBackends.set(b.routeKey, b.name);
      this.countBackend(b, +1);
    }
    model.checks.forEach((c, i) => this.indexSlot(c, i));
    for (const [file, entries] of Object.entries(model.maps) as [MapFileName, MapEntry[]][]) this.mapFiles.set(file, MapChunks.of(entries));
    for (const e of model.crtList) this.indexCrt(e, +1);
    this.crtListLines = new CrtListLines(model.crtList);
    for (const c of model.certificates) this.certificateNames.add(c.name);
  }

  backend(name: string): BackendModel | undefined {
    return this.backends.get(name);
  }

  /** The backend a route runs on (its own, a spare it took over, or the one it left behind when removed). */
  routeBackend(routeKey: string): BackendModel | undefined {
    const name = this.routeBackends.get(routeKey);
    return name === undefined ? undefined : this.backends.get(name);
  }

  /** Free spares in name order, as fitToRunning offers them. */
  freeSpares(): BackendModel[] {
    return [...this.spares].sort(compareText).map((name) => this.backends.get(name) as BackendModel);
  }

  /**
   * The first free spare not in `taken`, in name order, that `fits`. A
   * pool's spares differ only by name, which a route taking one takes on,
   * so only the first free one of each pool is tried: a change costs the
   * number of pools, not of free spares.
   */
  freeSpare(fits: (spare: BackendModel) => boolean, taken: ReadonlySet<string>): BackendModel | undefined {
    const firsts: string[] = [];
    for (const names of this.freePools().values()) {
      const first = names.find((name) => !taken.has(name));
      if (first !== undefined) firsts.push(first);
    }
    for (const name of firsts.sort(compareText)) {
      const spare = this.backends.get(name) as BackendModel;
      if (fits(spare)) return spare;
    }
    return undefined;
  }

  private freePools(): Map<string, string[]> {
    if (this.freeByPool) return this.freeByPool;
    const pools = new Map<string, string[]>();
    for (const name of [...this.spares].sort(compareText)) {
      const names = pools.get(sparePool(name));
      if (names) names.push(name);
      else pools.set(sparePool(name), [name]);
    }
    this.freeByPool = pools;
    return pools;
  }

  slot(name: string): CheckServerModel | undefined {
    const at = this.slotIndex.get(name);
    return at === undefined ? undefined : this.model.checks[at];
  }

  slotPosition(name: string): number {
    return this.slotIndex.get(name) ?? -1;
  }

  /** The slot checking an endpoint (by check key). */
  slotFor(key: string): CheckServerModel | undefined {
    const at = this.slotByKey.get(key);
    return at === undefined ? undefined : this.model.checks[at];
  }

  /** Free slots in slot order. */
  freeSlots(): CheckServerModel[] {
    return [...this.freeSlotSet].sort((a, b) => a - b).map((i) => this.model.checks[i] as CheckServerModel);
  }

  checkUse(key: string): CheckUse | undefined {
    return this.checkUses.get(key);
  }

  mapValue(file: MapFileName, key: string): string | undefined {
    return this.mapFiles.get(file)?.get(key);
  }

  /** What a patch render reads of the files it does not hold: the backends of a file, the slot checking each endpoint, the maps' and crt-list's texts as the model now has them. */
  patchLookup(): PatchLookup {
    return {
      backendsIn: (file) => this.backendsIn(file),
      slotOf: (key) => this.slotFor(key)?.name,
      mapFile: (file) => this.mapFiles.get(file) ?? EMPTY_MAP,
      crtListFile: () => this.crtListLines,
    };
  }

  /**
   * The map and crt-list texts from the files the model was rendered into
   * (`file` by name), where they match it (MapChunks.adoptText), so that the
   * first change after a load re-renders only what it touches; returns the
   * files that did not match.
   */
  adoptTexts(file: (name: string) => string | undefined): string[] {
    const unmatched: string[] = [];
    for (const [name, chunks] of this.mapFiles) {
      const text = file(name);
      if (text !== undefined && !chunks.adoptText(text)) unmatched.push(name);
    }
    const crtList = file(CRT_LIST_FILE);
    if (crtList !== undefined && !this.crtListLines.adoptText(crtList)) unmatched.push(CRT_LIST_FILE);
    return unmatched;
  }

  /** The crt-list lines for an SNI, in crt-list order. */
  crtLines(sni: string): CrtListEntry[] {
    return [...this.crtBySni.get(sni)].map((line) => this.crtByLine.get(line) as CrtListEntry).sort(compareCrtListEntries);
  }

  /** How many crt-list lines name a certificate file. */
  crtLinesOf(certFile: string): number {
    return this.crtFileLines.get(certFile) ?? 0;
  }

  /** The backends rendered into `file`, in name order. */
  backendsIn(file: string): BackendModel[] {
    return (this.files.get(file) ?? []).map((name) => this.backends.get(name) as BackendModel);
  }

  hasCertificate(name: string): boolean {
    return this.certificateNames.has(name);
  }

  /** How many running backends verify their pods by the CA at `path`. */
  caUse(path: string): number {
    return this.caUses.get(path) ?? 0;
  }

  /**
   * Applies a patch the worker now runs; returns the new model. The
   * backends and check slots are replaced in the running model's own arrays
   * (a copy of every backend was most of an endpoint change's cost at
   * 100,000 routes), so the model before shares them: until `settled`,
   * `revert` puts them back as they were, for a commit that fails to fall
   * back on. The index itself is not reverted: it is dropped then.
   */
  apply(patch: RunningPatch): ConfigModel {
    const old = this.model;
    const backends = old.backends as BackendModel[];
    const checks = old.checks as CheckServerModel[];
    const undo: Undo = { backends: [], checks: [] };
    this.undo = undo;
    for (const b of patch.backends) {
      const at = lowerBound(backends, b, byName);
      const before = backends[at];
      if (before?.name !== b.name) throw new Error(`running index: no backend ${b.name} to replace`);
      undo.backends.push([at, before]);
      backends[at] = b;
      this.countBackend(before, -1);
      this.countBackend(b, +1);
      this.backends.set(b.name, b);
    }
    for (const [routeKey, name] of patch.assigned) {
      this.routeBackends.set(routeKey, name);
      const pool = this.spares.delete(name) ? this.freeByPool?.get(sparePool(name)) : undefined;
      pool?.splice(pool.indexOf(name), 1);
    }
    for (const c of patch.checks) {
      const at = this.slotIndex.get(c.name);
      if (at === undefined) throw new Error(`running index: no check slot ${c.name}`);
      const before = checks[at] as CheckServerModel;
      const key = keyOfCheck(before);
      if (key !== undefined) this.slotByKey.delete(key);
      undo.checks.push([at, before]);
      checks[at] = c;
      this.indexSlot(c, at);
    }
    const patchedMaps = new Map<MapFileName, MapChunks>();
    for (const [file, changes] of patch.maps) {
      const chunks = (this.mapFiles.get(file) ?? MapChunks.of([])).patched(changes);
      this.mapFiles.set(file, chunks);
      patchedMaps.set(file, chunks);
    }
    const maps = patchedMaps.size === 0 ? old.maps : withPatchedMaps(old.maps, patchedMaps);
    const crtRemoved = patch.crtRemoved.filter((e) => this.crtByLine.has(crtListLine(e)));
    for (const e of crtRemoved) this.indexCrt(e, -1);
    for (const e of patch.crtAdded) this.indexCrt(e, +1);
    if (crtRemoved.length + patch.crtAdded.length > 0) this.crtListLines.patch(crtRemoved, patch.crtAdded);
    const gone = new Set(patch.certificatesRemoved);
    for (const name of gone) this.certificateNames.delete(name);
    for (const c of patch.certificatesAdded) this.certificateNames.add(c.name);
    // Parts a patch leaves alone are the running model's own arrays: an endpoint change copies no crt-list or certificate list.
    const certificates =
      gone.size + patch.certificatesAdded.length === 0 ? old.certificates : patchSorted(old.certificates.filter((c) => !gone.has(c.name)), [], patch.certificatesAdded, byName);
    const crtList = crtRemoved.length + patch.crtAdded.length === 0 ? old.crtList : patchSorted(old.crtList, crtRemoved, patch.crtAdded, compareCrtListEntries);
    this.model = { ...old, backends, checks, maps, crtList, certificates, settings: patch.settings ?? old.settings };
    return this.model;
  }

  /** The worker took the last patch: the model before it is gone for good. */
  settled(): void {
    this.undo = undefined;
  }

  /** The last patch's commit failed: the model before it gets its backends and check slots back (latest first). Whether there was one to revert. */
  revert(): boolean {
    const undo = this.undo;
    this.undo = undefined;
    if (!undo) return false;
    const backends = this.model.backends as BackendModel[];
    const checks = this.model.checks as CheckServerModel[];
    for (const [at, b] of undo.backends.reverse()) backends[at] = b;
    for (const [at, c] of undo.checks.reverse()) checks[at] = c;
    return true;
  }

  private countBackend(b: BackendModel, delta: 1 | -1): void {
    if (b.serverTls?.verify === 'required') this.caUses.set(b.serverTls.caFile, (this.caUses.get(b.serverTls.caFile) ?? 0) + delta);
    if (b.servers.length === 0) return;
    const active = checksRun(b) ? delta : 0;
    for (const key of new Set(serverCheckKeys(b))) {
      const use = this.checkUses.get(key) ?? { uses: 0, active: 0 };
      use.uses += delta;
      use.active += active;
      if (use.uses > 0) this.checkUses.set(key, use);
      else this.checkUses.delete(key);
    }
  }

  private indexSlot(c: CheckServerModel, at: number): void {
    this.slotIndex.set(c.name, at);
    const key = keyOfCheck(c);
    if (key === undefined) this.freeSlotSet.add(at);
    else {
      this.freeSlotSet.delete(at);
      this.slotByKey.set(key, at);
    }
  }

  private indexCrt(e: CrtListEntry, delta: 1 | -1): void {
    const line = crtListLine(e);
    const uses = (this.crtFileLines.get(e.certFile) ?? 0) + delta;
    if (uses > 0) this.crtFileLines.set(e.certFile, uses);
    else this.crtFileLines.delete(e.certFile);
    if (delta > 0) {
      this.crtByLine.set(line, e);
      this.crtBySni.add(e.sni, line);
      return;
    }
    this.crtByLine.delete(line);
    this.crtBySni.delete(e.sni, line);
  }
}

