import { describe, expect, test } from 'bun:test';
import { prng } from '../../test/support/hostile-routes.ts';
import { backend, server } from '../../test/support/models.ts';
import { BACKEND_MAPS, backendMapFileSteps, patchBackendMaps, type BackendMapName, type ParsedMap } from './backend-maps.ts';
import { MapChunks } from './map-chunks.ts';
import type { BackendModel } from './model.ts';
import { drain, STEP_ITEMS } from './render-steps.ts';

const backendMapFiles = (backends: readonly BackendModel[]) => drain(backendMapFileSteps(backends));

const HSTS = 'max-age=31536000';
const routes = Array.from({ length: 50 }, (_, i) => backend(`be_http:ns:r${String(i).padStart(2, '0')}`, [server('s1')], { hsts: HSTS, timeoutMs: i % 2 === 0 ? 5000 : undefined }));
const replaced = (backends: readonly BackendModel[], b: BackendModel) => backends.map((x) => (x.name === b.name ? b : x));

describe('patchBackendMaps', () => {
  const cases: [string, BackendModel, BackendMapName[]][] = [
    ['an endpoint change touches no map', { ...(routes[7] as BackendModel), servers: [server('s2', { ip: '10.0.0.2' })] }, []],
    ['a changed timeout rewrites that map only', { ...(routes[7] as BackendModel), timeoutMs: 9000 }, [BACKEND_MAPS.timeoutServer]],
    ['a removed HSTS value rewrites that map only', { ...(routes[8] as BackendModel), hsts: undefined }, [BACKEND_MAPS.hsts]],
  ];
  for (const [what, changed, rewritten] of cases) {
    test(`${what}, as a full render writes it`, () => {
      const previous = backendMapFiles(routes);
      const out = patchBackendMaps(previous, [changed]);
      expect([...out.keys()]).toEqual(rewritten);
      const full = backendMapFiles(replaced(routes, changed));
      for (const [name, entries] of out) expect(entries.text()).toBe(full.get(name) as string);
    });
  }

  test("a map's entries are parsed once and kept: the next patch from the text the last one wrote looks its backends up there", () => {
    const parsed = new Map<BackendMapName, ParsedMap>();
    const first = { ...(routes[3] as BackendModel), timeoutMs: 7000 };
    const afterFirst = new Map([...backendMapFiles(routes), ...[...patchBackendMaps(backendMapFiles(routes), [first], parsed)].map(([name, entries]) => [name, entries.text()] as const)]);
    const kept = parsed.get(BACKEND_MAPS.hsts);
    expect(kept?.entries.get(first.name)).toBe(HSTS);
    // Standing in for what the map holds: a lookup of the kept entries, not a new parse, decides.
    parsed.set(BACKEND_MAPS.hsts, { text: afterFirst.get(BACKEND_MAPS.hsts) as string, entries: MapChunks.of([{ key: first.name, value: 'max-age=1' }]) });
    expect([...patchBackendMaps(afterFirst, [first], parsed).keys()]).toEqual([BACKEND_MAPS.hsts]);
  });

  test('random patches over thousands of routes, each from the text the last one wrote, equal a full render', () => {
    const random = prng(5);
    let current = Array.from({ length: 3000 }, (_, i) => backend(`be_http:ns:r${String(i).padStart(4, '0')}`, [server('s1')], { hsts: i % 3 === 0 ? HSTS : undefined, timeoutMs: i % 5 === 0 ? 5000 : undefined }));
    const parsed = new Map<BackendMapName, ParsedMap>();
    let files = backendMapFiles(current) as Map<string, string>;
    for (let round = 0; round < 60; round++) {
      const changed = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const b = current[Math.floor(random() * current.length)] as BackendModel;
        return { ...b, hsts: random() < 0.5 ? undefined : `max-age=${round}`, timeoutMs: random() < 0.5 ? undefined : 1000 + round };
      });
      const byName = new Map(changed.map((b) => [b.name, b]));
      current = current.map((b) => byName.get(b.name) ?? b);
      files = new Map([...files, ...[...patchBackendMaps(files, [...byName.values()], parsed)].map(([name, entries]) => [name, entries.text()] as const)]);
      expect({ round, files }).toEqual({ round, files: backendMapFiles(current) });
    }
  });
});

describe('backendMapFileSteps', () => {
  test('gives the event loop a turn every STEP_ITEMS backends and after each map', () => {
    const many = Array.from({ length: 2 * STEP_ITEMS + 5 }, (_, i) => backend(`be_http:ns:r${String(i).padStart(6, '0')}`, [server('s1')], { hsts: HSTS }));
    const steps = backendMapFileSteps(many);
    let turns = 0;
    for (let step = steps.next(); !step.done; step = steps.next()) turns++;
    expect(turns).toBe(2 + Object.keys(BACKEND_MAPS).length);
  });
});
