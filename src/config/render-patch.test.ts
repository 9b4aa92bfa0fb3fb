import { heapStats, releaseWeakRefs } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import { trackNames } from './check-servers.ts';
import { backendFile, fileCounts } from './config-files.ts';
import { EMBEDDED_ASSETS } from './embedded-assets.ts';
import { MapChunks } from './map-chunks.ts';
import type { BackendModel, ConfigModel } from './model.ts';
import { CrtListLines } from './crt-list-lines.ts';
import { createRenderer, namesPatchedFrom, writableText, type RenderedFiles } from './render.ts';
import type { MapFileName } from './route-contribution.ts';

const render = createRenderer(EMBEDDED_ASSETS);
const name = (i: number) => `be_http:ns:r${String(i).padStart(5, '0')}`;
const lookup = (m: ConfigModel) => {
  const counts = fileCounts(m);
  const slots = trackNames(m.checks);
  return { backendsIn: (file: string) => m.backends.filter((b) => backendFile(b.name, counts.backends) === file), slotOf: (key: string) => slots.get(key), mapFile: (name: MapFileName) => MapChunks.of(m.maps[name]), crtListFile: () => new CrtListLines(m.crtList) };
};

describe('render.patch on a model spread over more than the fewest files', () => {
  test('a backend changed: the files of the patched model are those a full render writes, and only its own file differs', () => {
    const backends = Array.from({ length: 3000 }, (_, i) => backend(name(i), [server('s1', { ip: `10.${i >> 8}.${i & 255}.1` })]));
    const before = model(backends);
    expect(fileCounts(before).backends).toBe(128);
    const changed: BackendModel = { ...(backends[1234] as BackendModel), servers: [server('s1', { ip: '10.4.210.1', weight: 3 })] };
    const after: ConfigModel = { ...before, backends: backends.map((b) => (b.name === changed.name ? changed : b)) };
    const previous = render(before);
    const patched = render.patch(previous, after, { backends: [changed], checks: [], maps: [], crtList: false }, lookup(after));
    expect(new Map(patched)).toEqual(new Map(render(after)));
    expect([...patched].filter(([file, text]) => previous.get(file) !== text).map(([file]) => file)).toEqual([backendFile(changed.name, 128)]);
    // What a writer compares instead of every file: the names the patch set, and only from the set it started from.
    expect(namesPatchedFrom(patched, previous)).toEqual(new Set([backendFile(changed.name, 128)]));
    expect(namesPatchedFrom(patched, render(before))).toBeUndefined();
    expect(namesPatchedFrom(previous, previous)).toBeUndefined();
  });
});

describe('the texts a writer takes', () => {
  const withRoutes = (n: number, from = 0): ConfigModel => {
    const m = model(Array.from({ length: n }, (_, i) => backend(name(i + from), [server('s1', { ip: '10.0.0.1' })])));
    const entries = m.backends.map((b) => ({ key: `${b.name.slice(11)}.apps/`, value: b.name }));
    return { ...m, maps: { ...m.maps, 'os_http_be.map': entries } };
  };

  test('of a map a patch set: its chunks, joined the file; carried into later patches that leave it; a full render has none', () => {
    const before = withRoutes(2000);
    const after = withRoutes(2001);
    const previous = render(before);
    expect(writableText(previous, 'os_http_be.map')).toBe(previous.get('os_http_be.map') as string);
    const patched = render.patch(previous, after, { backends: [], checks: [], maps: ['os_http_be.map'], crtList: false }, lookup(after));
    const pieces = writableText(patched, 'os_http_be.map');
    expect(Array.isArray(pieces)).toBe(true);
    expect((pieces as string[]).length).toBeGreaterThan(1);
    expect((pieces as string[]).join('')).toBe(render(after).get('os_http_be.map') as string);
    expect(writableText(patched, 'haproxy.config')).toBe(patched.get('haproxy.config') as string);
    // A later patch of another file leaves the map as it was, and its pieces with it.
    const later = render.patch(patched, after, { backends: [after.backends[7] as BackendModel], checks: [], maps: [], crtList: false }, lookup(after));
    expect(writableText(later, 'os_http_be.map')).toBe(pieces as string[]);
  });
});

describe('what the renderer keeps between commits', () => {
  test("the backends' texts it keeps share their characters with the files", () => {
    const renderer = createRenderer(EMBEDDED_ASSETS);
    const backends = Array.from({ length: 7000 }, (_, i) => backend(name(i), [server('s1', { ip: `10.${i >> 8}.${i & 255}.1` })]));
    const m = model(backends);
    const stored = () => {
      Bun.gc(true);
      return heapStats().extraMemorySize;
    };
    const before = stored();
    const files = renderer(m);
    const kept = stored() - before;
    let chars = 0;
    let backendChars = 0;
    for (const [file, text] of files) {
      chars += text.length;
      if (file.startsWith('be-')) backendChars += text.length;
    }
    expect(backendChars).toBeGreaterThan(1_000_000);
    // The files' characters once (Latin-1, a byte each), and what else the renderer keeps (measured 0.45-0.65 MB here, more
    // when other tests in the same process allocate meanwhile); a copy of each backend's text kept beside them adds all of backendChars more.
    expect(kept - chars).toBeLessThan(backendChars);
    // Still the text a patch reuses: a patch of one backend renders the files a full render gives.
    const changed: BackendModel = { ...(backends[7] as BackendModel), servers: [server('s1', { ip: '10.0.7.1', weight: 3 })] };
    const after: ConfigModel = { ...m, backends: backends.map((b) => (b === backends[7] ? changed : b)) };
    expect(new Map(renderer.patch(files, after, { backends: [changed], checks: [], maps: [], crtList: false }, lookup(after)))).toEqual(new Map(render(after)));
  });

  test('a patched set does not keep the sets it was patched from', () => {
    const renderer = createRenderer(EMBEDDED_ASSETS);
    const backends = Array.from({ length: 50 }, (_, i) => backend(name(i), [server('s1', { ip: `10.0.${i}.1` })]));
    // Built in a function of its own so that no reference to the earlier sets stays on this frame's stack.
    const patchedThrice = () => {
      let m = model(backends);
      let files = renderer(m);
      // The full render stays as the base later patches read through (PatchedFiles); the first patch's set must go.
      let first: WeakRef<RenderedFiles> | undefined;
      for (let weight = 2; weight <= 4; weight++) {
        const changed: BackendModel = { ...(backends[7] as BackendModel), servers: [server('s1', { ip: '10.0.7.1', weight })] };
        m = { ...m, backends: backends.map((b) => (b === backends[7] ? changed : b)) };
        files = renderer.patch(files, m, { backends: [changed], checks: [], maps: [], crtList: false }, lookup(m));
        first ??= new WeakRef(files);
      }
      return { first, files };
    };
    const { first, files } = patchedThrice();
    releaseWeakRefs();
    Bun.gc(true);
    expect(first?.deref() === undefined).toBe(true);
    expect(files.get(backendFile(name(7), fileCounts(model(backends)).backends))).toContain('weight 4');
  });
});

describe('memory a patch leaves', () => {
  test("a backend a patch replaced does not keep its file's text alive through the older model that still holds it", () => {
    const renderer = createRenderer(EMBEDDED_ASSETS);
    const backends = Array.from({ length: 2000 }, (_, i) => backend(name(i), [server('s1', { ip: `10.${i >> 8}.${i & 255}.1` }), server('s2', { ip: `10.${i >> 8}.${i & 255}.2` })]));
    // The first model lives on, as the last full build's parts do between reloads (plan/desired-index.ts).
    const first = model(backends);
    const stringBytes = () => {
      Bun.gc(true);
      return heapStats().extraMemorySize;
    };
    // In a function of its own so that no text of an earlier set stays on this frame's stack.
    const patched = (count: number) => {
      let m = first;
      let files = renderer(m);
      for (let k = 0; k < count; k++) {
        const i = (k * 37) % backends.length;
        const old = m.backends[i] as BackendModel;
        const changed: BackendModel = { ...old, servers: [server('s1', { ip: old.servers[0]?.ip ?? '', weight: 2 + (k % 5) })] };
        m = { ...m, backends: m.backends.map((b, j) => (j === i ? changed : b)) };
        files = renderer.patch(files, m, { backends: [changed], checks: [], maps: [], crtList: false }, lookup(m));
      }
      return files.size;
    };
    patched(1);
    const before = stringBytes();
    expect(patched(150)).toBeGreaterThan(0);
    // Each file is some 30 KB: with the replaced backends' texts kept as views into the files they were rendered in, 150 patches kept 4 MB.
    expect(stringBytes() - before).toBeLessThan(1_000_000);
    expect(first.backends).toHaveLength(2000);
  });
});
