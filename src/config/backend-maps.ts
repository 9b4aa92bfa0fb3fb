import { compareText } from '../domain/compare.ts';
import { STEP_ITEMS } from './render-steps.ts';
import { MapChunks, mapText } from './map-chunks.ts';
import type { BackendModel, MapEntry } from './model.ts';

/**
 * Per-route options haproxy reads at request time from maps keyed by the
 * backend's name (`be_name` in backends, the routed backend in the HTTP
 * frontends), so the runtime API changes them (`add map` / `set map` /
 * `del map`) and a spare taken over by a route takes the route's values
 * under the spare's name. The lines that read them are in the defaults
 * sections every route backend and spare names (route-defaults.ts), or in
 * the HTTP frontends; a backend without a value has no entry, and haproxy's
 * own settings apply. Timeouts are milliseconds:
 * `set-timeout` reads a number from a map as milliseconds.
 */
export const BACKEND_MAPS = {
  timeoutServer: 'timeout-server.map',
  timeoutTunnel: 'timeout-tunnel.map',
  hsts: 'hsts.map',
  forwarded: 'forwarded-headers.map',
  rateConcurrent: 'rate-limit-concurrent.map',
  rateTcp: 'rate-limit-tcp.map',
  rateHttp: 'rate-limit-http.map',
  rateStatus: 'rate-limit-status.map',
} as const;

export type BackendMapName = (typeof BACKEND_MAPS)[keyof typeof BACKEND_MAPS];

const text = (n: number | undefined) => (n === undefined ? undefined : String(n));

/** The value `b` has in each map, undefined for no entry. */
export function backendMapValues(b: BackendModel): Record<BackendMapName, string | undefined> {
  const http = b.mode === 'http';
  const limits = b.rateLimits;
  return {
    [BACKEND_MAPS.rateConcurrent]: text(limits?.concurrent),
    [BACKEND_MAPS.rateTcp]: text(limits?.tcpRate),
    [BACKEND_MAPS.rateHttp]: http ? text(limits?.httpRate) : undefined,
    [BACKEND_MAPS.rateStatus]: http ? text(limits?.status) : undefined,
    [BACKEND_MAPS.timeoutServer]: http && b.timeoutMs !== undefined ? String(b.timeoutMs) : undefined,
    [BACKEND_MAPS.timeoutTunnel]: http && b.tunnelTimeoutMs !== undefined ? String(b.tunnelTimeoutMs) : undefined,
    [BACKEND_MAPS.hsts]: http ? b.hsts : undefined,
    [BACKEND_MAPS.forwarded]: http ? b.forwardedHeaders : undefined,
  };
}

const MAP_NAMES = Object.values(BACKEND_MAPS);

/** A map's text in key order, written as every map file is (map-chunks.ts), so that patches read it back into chunks. */
function sortedMapText(entries: ReadonlyMap<string, string>): string {
  return mapText([...entries].map(([key, value]) => ({ key, value })).sort((a, b) => compareText(a.key, b.key)));
}

/** Every backend map of a model, in steps of STEP_ITEMS backends and a map at a time (render-steps.ts). */
export function* backendMapFileSteps(backends: readonly BackendModel[]): Generator<void, Map<BackendMapName, string>, void> {
  const entries = new Map(MAP_NAMES.map((name) => [name, new Map<string, string>()]));
  let seen = 0;
  for (const b of backends) {
    for (const [name, value] of Object.entries(backendMapValues(b))) if (value !== undefined) entries.get(name as BackendMapName)?.set(b.name, value);
    if (++seen % STEP_ITEMS === 0) yield;
  }
  const files = new Map<BackendMapName, string>();
  for (const name of MAP_NAMES) {
    files.set(name, sortedMapText(entries.get(name) ?? new Map()));
    yield;
  }
  return files;
}

/** A backend map's text and its entries, as parsed from it (or patched to it). */
export interface ParsedMap {
  text: string;
  entries: MapChunks;
}

/** The entries of a map text in key order: sorted here only if the text was not (the renderer writes them sorted). */
function parseMap(text: string): MapChunks {
  const entries: MapEntry[] = [];
  let sorted = true;
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space);
    const last = entries.at(-1);
    if (last && compareText(last.key, key) >= 0) sorted = false;
    entries.push({ key, value: line.slice(space + 1) });
  }
  if (!sorted) return MapChunks.of([...new Map(entries.map((e) => [e.key, e])).values()].sort((a, b) => compareText(a.key, b.key)));
  const chunks = MapChunks.of(entries);
  chunks.adoptText(text);
  return chunks;
}

/**
 * The maps whose entries for `patched` differ from `previous` (file ->
 * text), rewritten: a map is read and written again only when one of the
 * backends a patch replaced changed its entry there. `parsed` keeps each
 * map's entries from one patch to the next (the caller's, one per
 * renderer), so a patch that leaves a map alone looks its backends up
 * there rather than parsing the map again: an endpoint change costs the
 * backends it touches, however many routes set a timeout or HSTS; and the
 * entries are kept in chunks (map-chunks.ts), so a route that takes a spare
 * with HSTS set rewrites one chunk, not 100,000 sorted lines.
 */
export function patchBackendMaps(previous: ReadonlyMap<string, string>, patched: readonly BackendModel[], parsed = new Map<BackendMapName, ParsedMap>()): Map<BackendMapName, MapChunks> {
  const out = new Map<BackendMapName, MapChunks>();
  for (const name of MAP_NAMES) {
    const text = previous.get(name) ?? '';
    let known = parsed.get(name);
    if (known?.text !== text) parsed.set(name, (known = { text, entries: parseMap(text) }));
    const changes = new Map<string, string | undefined>();
    for (const b of patched) {
      const value = backendMapValues(b)[name];
      if (known.entries.get(b.name) !== value) changes.set(b.name, value);
    }
    if (changes.size === 0) continue;
    const entries = known.entries.patched(changes);
    out.set(name, entries);
    parsed.set(name, { text: entries.text(), entries });
  }
  return out;
}
