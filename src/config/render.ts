import { Eta } from 'eta';
import { REDIRECT_TO_HTTPS, type BackendModel, type CheckServerModel, type ConfigModel, type CrtListEntry } from './model.ts';
import { CRT_LIST_FILE, crtListLineText, groupedCrtListLines } from './crt-list.ts';
import { DEFAULT_CERTIFICATE_FILE } from './certificates.ts';
import { CATCH_ALL_KEY_HOST, DEEP_WILDCARD_MAX_LABELS } from './deep-wildcards.ts';
import { GATEWAY_API_HOST, LISTENER_HOST, ROUTE_HOST } from './host-kinds.ts';
import { allowlistEntries, allowlistFile, allowlistText } from './allowlists.ts';
import { backendMapFileSteps, patchBackendMaps, type BackendMapName, type ParsedMap } from './backend-maps.ts';
import { ROUTE_DEFAULTS_FILE, ROUTE_DEFAULTS_TEXT } from './route-defaults.ts';
import { checkServerLine, serverLine } from './server-line.ts';
import { serverCheckKeys, trackNames } from './check-servers.ts';
import { backendText as renderBackend } from './backend-text.ts';
import { logConfig } from './log-config.ts';
import { matchRuleLines } from './match-rule-lines.ts';
import { MATCH_ACTION_LUA_FILE, MATCH_RULES_LUA_FILE, matchHostsFile, matchHostsText, matchRulesLua } from './match-rule-data.ts';
import type { MapFileName } from './route-contribution.ts';
import { backendFile, checkBackendNumber, checkFile, checkNumbersIn, CONFIG_FILE, configFileNames, fileCounts } from './config-files.ts';
import { CHECK_SLOTS_PER_BACKEND, checkServerName, checkServerRef } from '../domain/names.ts';
import { bindAddresses, trafficConfig } from './traffic-config.ts';
import { CLIENT_CA_FILE, CLIENT_CRL_FILE } from './client-certificates.ts';
import { HTTP_RATE_LIMIT_LINES, RATE_LIMIT_TABLE, RATE_LIMIT_TABLE_LINE } from './rate-limits.ts';
import { flatText } from './flat-text.ts';
import { mapText, mapTextSteps } from './map-chunks.ts';
import { drain, STEP_ITEMS } from './render-steps.ts';
import { SNI_FRONTENDS_MAP, sniFrontendEntries, sniFrontendSocket } from './sni-frontends.ts';
import { PatchedFiles } from './patched-files.ts';
import { objectMemo } from '../domain/object-memo.ts';

/** File name -> contents, relative to the configuration directory. */
export type RenderedFiles = ReadonlyMap<string, string>;

export interface RendererAssets {
  /** The Eta template for haproxy.config's global, defaults and frontends (embedded, or --template). */
  template: string;
  /** One backend of check slots: always the embedded one, whose lines the runtime API's commands match (route backends: backend-text.ts). */
  checkBackendTemplate: string;
  errorPage503: string;
  errorPage404: string;
  /** The Lua action that tries Gateway API match rules (templates/gateway-match.lua). */
  gatewayMatchLua: string;
  version: string;
  /** PEM of the CAs (and CRLs) client certificates are verified by, when the settings ask for client certificates. */
  clientCa?: string;
  clientCrl?: string;
}

/** What changed between two models that differ only by an incremental patch (plan/running-index.ts). */
export interface RenderPatch {
  /** Backends replaced (same names). */
  backends: readonly BackendModel[];
  /** Check slots replaced (same names). */
  checks: readonly CheckServerModel[];
  maps: Iterable<MapFileName>;
  crtList: boolean;
  /** The settings changed (the connection limit, set live): `haproxy.config` is rendered again. */
  settings?: boolean;
}

/** How a patch render finds what it does not hold: the backends of a file, the slot checking each endpoint, and a map's text. */
export interface PatchLookup {
  backendsIn(file: string): readonly BackendModel[];
  slotOf: SlotOf;
  /** A map the patch touched, kept by whoever patches the model's maps (plan/running-index.ts). */
  mapFile(name: MapFileName): PiecedText;
  /** The crt-list file, kept so as well. */
  crtListFile(): PiecedText;
}

/** A large file's text, also as the pieces it joins (map-chunks.ts). */
export interface PiecedText {
  text(): string;
  pieces(): readonly string[];
}

/** A file's text for a writer: one string, or pieces written one after the other. */
export type WritableText = string | readonly string[];

/** The name of the check slot that checks an endpoint, by its check key (check-servers.ts). */
export type SlotOf = (key: string) => string | undefined;

/**
 * The names a patch render set again, by the result, with the set it
 * started from. That set is held weakly: held strongly it would live as
 * long as the result, and its own entry the set before it, so every set
 * since the last full render stayed in memory: each change's copy of the
 * files' map and the texts it set (about 90 MiB of router RSS at 10,000
 * routes after 200 moves and 200 adds, BENCHMARKS.md).
 */
const patchedNames = new WeakMap<RenderedFiles, { from: WeakRef<RenderedFiles>; names: ReadonlySet<string> }>();

/** The pieces of the texts a patch render took from pieced files (and those it carried over from the set before), by the result. */
const piecedFiles = new WeakMap<RenderedFiles, ReadonlyMap<string, readonly string[]>>();

/**
 * The text of `name` in `files` as a writer should take it: in pieces where
 * the file was kept so, which spares making the whole text one string.
 */
export function writableText(files: RenderedFiles, name: string): WritableText | undefined {
  return piecedFiles.get(files)?.get(name) ?? files.get(name);
}

/** The only names whose text may differ between `from` and `files`, when `files` is a patch render of `from` (a writer then compares those, not every file). */
export function namesPatchedFrom(files: RenderedFiles, from: RenderedFiles): ReadonlySet<string> | undefined {
  const patched = patchedNames.get(files);
  return patched?.from.deref() === from ? patched.names : undefined;
}

/** Every file of a model. */
export type RenderModel = (model: ConfigModel) => RenderedFiles;

export interface Renderer extends RenderModel {
  /**
   * The render of `model` in steps, a file or so each (the backend files,
   * the maps): a caller can let the event loop run between them. The same
   * files as the render in one go.
   */
  steps(model: ConfigModel): Generator<void, RenderedFiles, void>;
  /** The files of `model` from those of the model it was patched from: only the files the patch touches are rendered again. */
  patch(previous: RenderedFiles, model: ConfigModel, patch: RenderPatch, lookup: PatchLookup): RenderedFiles;
}

/** The crt-list file, its entries grouped into lines as the line numbers expect (plan/crt-line-numbers.ts); each line is built by the same function the runtime `add ssl crt-list` uses. */
function crtListText(entries: readonly CrtListEntry[]): string {
  return groupedCrtListLines(entries)
    .map((line) => `${crtListLineText(line)}\n`)
    .join('');
}

/** The check slots of each check backend, in slot order. */
function checkBackends(checks: readonly CheckServerModel[]): Map<number, CheckServerModel[]> {
  const backends = new Map<number, CheckServerModel[]>();
  for (const c of checks) {
    const n = checkBackendNumber(checkServerRef(c.name).backend);
    const slots = backends.get(n);
    if (slots) slots.push(c);
    else backends.set(n, [c]);
  }
  return backends;
}

/** The slots of check backend `n`: slots are numbered in order, 64 to a backend (domain/names.ts). */
function slotsOf(checks: readonly CheckServerModel[], n: number): CheckServerModel[] {
  const start = n * CHECK_SLOTS_PER_BACKEND;
  const slots = checks.slice(start, start + CHECK_SLOTS_PER_BACKEND);
  if (slots.every((c, i) => c.name === checkServerName(start + i + 1))) return slots;
  return checks.filter((c) => checkBackendNumber(checkServerRef(c.name).backend) === n);
}

/**
 * Compiles the templates once. eta's defaults would XML-escape every value
 * and swallow the newline after each tag, which corrupts a config file, so
 * both are turned off; the model is the templates' only input. Backends
 * are spread over files by name (config-files.ts) and each backend's text
 * is kept while its model object and the slots its servers follow stay the
 * same, so a patch renders again only the files it touches.
 */
export function createRenderer(assets: RendererAssets): Renderer {
  const eta = new Eta({ autoEscape: false, autoTrim: false });
  eta.loadTemplate('@haproxy.config', assets.template);
  eta.loadTemplate('@check-backend', assets.checkBackendTemplate);
  // Each server's check key is worked out once per backend object: a backend a patch did not touch costs one slot lookup per server and no allocation.
  const blocks = objectMemo<BackendModel, { keys: readonly string[]; slots: readonly (string | undefined)[]; text: string }>('backend text');
  const sameSlots = (keys: readonly string[], slots: readonly (string | undefined)[], slotOf: SlotOf) => {
    for (let i = 0; i < keys.length; i++) if (slotOf(keys[i] as string) !== slots[i]) return false;
    return true;
  };

  const backendText = (b: BackendModel, slotOf: SlotOf): string => {
    const cached = blocks.get(b);
    if (cached && sameSlots(cached.keys, cached.slots, slotOf)) return cached.text;
    const keys = serverCheckKeys(b);
    const text = flatText(
      renderBackend(b, (s, i) => {
        const name = slotOf(keys[i] as string);
        if (name === undefined) throw new Error(`no check server for ${b.name}/${s.name}`);
        return serverLine(b, s, name);
      }),
    );
    blocks.set(b, { keys, slots: keys.map((key) => slotOf(key)), text });
    return text;
  };
  // The backends whose text is a view into each file's text as last rendered.
  const viewsOf = new Map<string, readonly BackendModel[]>();
  // HTTP backends, then passthrough ones, one blank line apart.
  const fileText = (file: string, backends: readonly BackendModel[], slotOf: SlotOf) => {
    const parts: string[] = [];
    const offsets: [BackendModel, number][] = [];
    let length = 0;
    const add = (text: string) => {
      parts.push(text);
      length += text.length;
    };
    for (const mode of ['http', 'tcp'] as const) {
      for (const b of backends) {
        if (b.mode !== mode) continue;
        if (length > 0) add('\n');
        offsets.push([b, length]);
        add(backendText(b, slotOf));
      }
    }
    const text = flatText(parts.join(''));
    // Each backend's text is kept as a view into its file's text (a substring shares its characters): the files
    // are kept to patch and compare, so a copy of its own was every backend's text twice, 6 MB at 10,000 routes.
    for (const [b, offset] of offsets) {
      const block = blocks.get(b);
      if (block) block.text = text.slice(offset, offset + block.text.length);
    }
    // A backend that left the file (a route changed: a new model object took its place) forgets its text: a view keeps
    // the whole file text it points into alive for as long as the old object lives, and old models outlive a change
    // (the last full build's parts: plan/desired-index.ts), so every change kept a copy of its file (60 KB of heap
    // and text per endpoint move at 10,000 routes, BENCHMARKS.md).
    const before = viewsOf.get(file);
    if (before) {
      const now = new Set(backends);
      for (const b of before) if (!now.has(b)) blocks.forget(b);
    }
    viewsOf.set(file, backends);
    return text;
  };
  // A check backend's text, kept while its slots are the same objects.
  const checkBlocks = new Map<number, { slots: readonly CheckServerModel[]; text: string }>();
  const checkBlock = (n: number, slots: readonly CheckServerModel[]): string => {
    const cached = checkBlocks.get(n);
    if (cached && cached.slots.length === slots.length && cached.slots.every((c, i) => c === slots[i])) return cached.text;
    const text = flatText(eta.render('@check-backend', { name: checkServerRef(slots[0]?.name ?? '').backend, servers: slots, checkServerLine }));
    checkBlocks.set(n, { slots, text });
    return text;
  };
  const checkText = (backends: ReadonlyMap<number, CheckServerModel[]>, numbers: readonly number[]) =>
    numbers.map((n) => checkBlock(n, backends.get(n) ?? [])).join('\n');

  const head = (model: ConfigModel) =>
    eta.render('@haproxy.config', {
      model,
      log: logConfig(model.settings.logging),
      traffic: trafficConfig(model.settings),
      bindAddresses,
      version: assets.version,
      redirectToHttps: REDIRECT_TO_HTTPS,
      deepWildcardLabels: model.settings.deepWildcards ? DEEP_WILDCARD_MAX_LABELS : 0,
      catchAllKeyHost: CATCH_ALL_KEY_HOST,
      gatewayApiHost: GATEWAY_API_HOST,
      routeHost: ROUTE_HOST,
      listenerHost: LISTENER_HOST,
      matchRules: { http: matchRuleLines(model.matchRules, 'http'), https: matchRuleLines(model.matchRules, 'https') },
      // Only Gateway API routes match on method, headers or query parameters; they come with deep wildcards. The Lua
      // is loaded whether or not there are rules, so an haproxy without Lua fails at start rather than at a tenant's rule.
      // `lua-load` (one Lua state, behind a lock) even though `lua-load-per-thread` costs a rule host's request about
      // 20% less (BENCHMARKS.md): only lua-load's files are read with the config, so `haproxy -c` checks them and
      // their relative names resolve.
      luaFiles: model.settings.deepWildcards ? [MATCH_RULES_LUA_FILE, MATCH_ACTION_LUA_FILE] : [],
      defaultCertificateFile: DEFAULT_CERTIFICATE_FILE,
      sniFrontends: model.sniFrontends.map((f) => ({ ...f, socket: sniFrontendSocket(model.settings.sniSocketPath, f.number) })),
      sniFrontendsMap: SNI_FRONTENDS_MAP,
      rateLimits: { http: HTTP_RATE_LIMIT_LINES, table: RATE_LIMIT_TABLE, tableLine: RATE_LIMIT_TABLE_LINE },
    });

  function* steps(model: ConfigModel): Generator<void, RenderedFiles, void> {
    const files = new Map<string, string>();
    const names = trackNames(model.checks);
    const slotOf: SlotOf = (key) => names.get(key);
    files.set(CONFIG_FILE, head(model));
    files.set(ROUTE_DEFAULTS_FILE, ROUTE_DEFAULTS_TEXT);
    yield;
    const counts = fileCounts(model);
    const fileNames = configFileNames(counts);
    const byFile = new Map<string, BackendModel[]>(fileNames.backends.map((f) => [f, []]));
    let seen = 0;
    for (const b of model.backends) {
      byFile.get(backendFile(b.name, counts.backends))?.push(b);
      if (++seen % STEP_ITEMS === 0) yield;
    }
    for (const [file, backends] of byFile) {
      files.set(file, fileText(file, backends, slotOf));
      yield;
    }
    const checks = checkBackends(model.checks);
    const numbers = new Map<string, number[]>(fileNames.checks.map((f) => [f, []]));
    for (const n of checks.keys()) numbers.get(checkFile(n, counts.checks))?.push(n);
    for (const [file, ns] of numbers) {
      files.set(file, checkText(checks, ns));
      yield;
    }
    for (const [name, entries] of Object.entries(model.maps)) {
      files.set(name, yield* mapTextSteps(entries));
      yield;
    }
    files.set(CRT_LIST_FILE, crtListText(model.crtList));
    yield;
    seen = 0;
    for (const b of model.backends) {
      if (b.allowlistAcl) files.set(allowlistFile(b.name), allowlistText(allowlistEntries(b)));
      if (++seen % STEP_ITEMS === 0) yield;
    }
    for (const [name, text] of yield* backendMapFileSteps(model.backends)) files.set(name, text);
    files.set(DEFAULT_CERTIFICATE_FILE, model.defaultCertificate);
    files.set('error-page-503.http', assets.errorPage503);
    files.set('error-page-404.http', assets.errorPage404);
    if (model.settings.deepWildcards) {
      files.set(SNI_FRONTENDS_MAP, mapText(sniFrontendEntries(model.sniFrontends)));
      files.set(MATCH_RULES_LUA_FILE, matchRulesLua(model.matchRules));
      files.set(MATCH_ACTION_LUA_FILE, assets.gatewayMatchLua);
      for (const side of ['http', 'https'] as const) files.set(matchHostsFile(side), matchHostsText(model.matchRules, side));
    }
    if (assets.clientCa !== undefined) files.set(CLIENT_CA_FILE, assets.clientCa);
    if (assets.clientCrl !== undefined) files.set(CLIENT_CRL_FILE, assets.clientCrl);
    return files;
  }
  const render = (model: ConfigModel): RenderedFiles => drain(steps(model));
  render.steps = steps;

  const backendMaps = new Map<BackendMapName, ParsedMap>();
  render.patch = (previous: RenderedFiles, model: ConfigModel, patch: RenderPatch, lookup: PatchLookup): RenderedFiles => {
    const files = new Map<string, string>();
    const counts = fileCounts(model);
    const touched = new Set(patch.backends.map((b) => backendFile(b.name, counts.backends)));
    for (const file of touched) files.set(file, fileText(file, lookup.backendsIn(file), lookup.slotOf));
    for (const b of patch.backends) if (b.allowlistAcl) files.set(allowlistFile(b.name), allowlistText(allowlistEntries(b)));

    const checkNumbers = new Set(patch.checks.map((c) => checkBackendNumber(checkServerRef(c.name).backend)));
    for (const file of new Set([...checkNumbers].map((n) => checkFile(n, counts.checks)))) {
      const numbers = checkNumbersIn(file, model.checks.length, counts.checks);
      files.set(file, checkText(new Map(numbers.map((n) => [n, slotsOf(model.checks, n)])), numbers));
    }
    const pieced = new Map<string, PiecedText>(patchBackendMaps(previous, patch.backends, backendMaps));
    for (const name of patch.maps) pieced.set(name, lookup.mapFile(name));
    if (patch.crtList) pieced.set(CRT_LIST_FILE, lookup.crtListFile());
    for (const [name, file] of pieced) files.set(name, file.text());
    if (patch.settings) files.set(CONFIG_FILE, head(model));
    const patched = PatchedFiles.patch(previous, files);
    patchedNames.set(patched, { from: new WeakRef(previous), names: new Set(files.keys()) });
    const carried = [...(piecedFiles.get(previous) ?? [])].filter(([name]) => !files.has(name));
    if (carried.length + pieced.size > 0) piecedFiles.set(patched, new Map([...carried, ...[...pieced].map(([name, file]) => [name, file.pieces()] as const)]));
    return patched;
  };
  return render;
}
