import { describe, expect, test } from 'bun:test';
import { backend, server } from '../../test/support/models.ts';
import { BACKEND_MAPS, backendMapFiles, patchBackendMaps, type BackendMapName, type ParsedMap } from './backend-maps.ts';
import type { BackendModel } from './model.ts';

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
      for (const [name, text] of out) expect(text).toBe(full.get(name) as string);
    });
  }

  test("a map's entries are parsed once and kept: the next patch from the text the last one wrote looks its backends up there", () => {
    const parsed = new Map<BackendMapName, ParsedMap>();
    const first = { ...(routes[3] as BackendModel), timeoutMs: 7000 };
    const afterFirst = new Map([...backendMapFiles(routes), ...patchBackendMaps(backendMapFiles(routes), [first], parsed)]);
    const kept = parsed.get(BACKEND_MAPS.hsts);
    expect(kept?.entries.get(first.name)).toBe(HSTS);
    // Standing in for what the map holds: a lookup of the kept entries, not a new parse, decides.
    parsed.set(BACKEND_MAPS.hsts, { text: afterFirst.get(BACKEND_MAPS.hsts) as string, entries: new Map([[first.name, 'max-age=1']]) });
    expect([...patchBackendMaps(afterFirst, [first], parsed).keys()]).toEqual([BACKEND_MAPS.hsts]);
  });
});
