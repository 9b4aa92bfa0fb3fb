import { compareText } from '../domain/compare.ts';
import type { BackendModel } from './model.ts';

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

function mapText(entries: ReadonlyMap<string, string>): string {
  let text = '';
  for (const key of [...entries.keys()].sort(compareText)) text += `${key} ${entries.get(key)}\n`;
  return text;
}

/** Every backend map of a model. */
export function backendMapFiles(backends: readonly BackendModel[]): Map<BackendMapName, string> {
  const entries = new Map(MAP_NAMES.map((name) => [name, new Map<string, string>()]));
  for (const b of backends) {
    for (const [name, value] of Object.entries(backendMapValues(b))) if (value !== undefined) entries.get(name as BackendMapName)?.set(b.name, value);
  }
  return new Map(MAP_NAMES.map((name) => [name, mapText(entries.get(name) ?? new Map())]));
}

/** A backend map's text and its entries by key, as parsed from it. */
export interface ParsedMap {
  text: string;
  entries: ReadonlyMap<string, string>;
}

function parseMap(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) entries.set(line.slice(0, space), line.slice(space + 1));
  }
  return entries;
}

/**
 * The maps whose entries for `patched` differ from `previous` (file ->
 * text), rewritten: a map is read and written again only when one of the
 * backends a patch replaced changed its entry there. `parsed` keeps each
 * map's entries from one patch to the next (the caller's, one per
 * renderer), so a patch that leaves a map alone looks its backends up
 * there rather than parsing the map again: an endpoint change costs the
 * backends it touches, however many routes set a timeout or HSTS.
 */
export function patchBackendMaps(previous: ReadonlyMap<string, string>, patched: readonly BackendModel[], parsed = new Map<BackendMapName, ParsedMap>()): Map<BackendMapName, string> {
  const out = new Map<BackendMapName, string>();
  for (const name of MAP_NAMES) {
    const text = previous.get(name) ?? '';
    let known = parsed.get(name);
    if (known?.text !== text) parsed.set(name, (known = { text, entries: parseMap(text) }));
    const wanted = patched.map((b) => [b.name, backendMapValues(b)[name]] as const);
    if (wanted.every(([key, value]) => known.entries.get(key) === value)) continue;
    const entries = new Map(known.entries);
    for (const [key, value] of wanted) {
      if (value === undefined) entries.delete(key);
      else entries.set(key, value);
    }
    const next = mapText(entries);
    out.set(name, next);
    parsed.set(name, { text: next, entries });
  }
  return out;
}
