import { afterEach, beforeEach, describe, expect, spyOn, test } from 'bun:test';
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingSink } from '../../../test/support/recording-sink.ts';
import type { ResourceEvent, SourceSink } from '../../domain/events.ts';
import { createLogger } from '../../log.ts';
import { MAX_FILE_BYTES } from './manifest-file.ts';
import { ManifestSource } from './manifest-source.ts';
import { EXACT_PARSER_LIMIT } from './parse-manifests.ts';

const routeYaml = (name: string, host: string, namespace?: string): string => `
apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}spec:
  host: ${host}
  to:
    kind: Service
    name: ${name}
`;

const serviceYaml = (name: string): string => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n`;

const endpointsJson = (name: string, ip: string): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: 'shop' },
    subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }],
  });

/** What the sink saw, one line per event: `upsert Route default/web`. */
const summary = (events: readonly ResourceEvent[]): string[] =>
  events.map((e) => `${e.type} ${e.kind} ${e.object.namespace}/${e.object.name}`);

interface Harness {
  dir: string;
  source: ManifestSource;
  calls: string[];
  batches: ResourceEvent[][];
  logs: { level: string; msg: string }[];
  sink: SourceSink;
  /** Resolves with the next batch the source applies. */
  nextBatch(): Promise<ResourceEvent[]>;
  write(name: string, text: string): void;
  errors(): string[];
  warnings(): string[];
}

let h: Harness;

beforeEach(() => {
  const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
  const calls: string[] = [];
  const batches: ResourceEvent[][] = [];
  const logs: { level: string; msg: string }[] = [];
  let waiters: ((batch: ResourceEvent[]) => void)[] = [];
  const sink: SourceSink = recordingSink(
    (batch) => {
      calls.push('apply');
      batches.push(batch);
      const ready = waiters;
      waiters = [];
      for (const w of ready) w(batch);
    },
    () => calls.push('synced'),
  );
  const logger = createLogger({ format: 'json', level: 'debug', write: (line) => logs.push(JSON.parse(line)) });
  h = {
    dir,
    source: new ManifestSource({ dir, logger, debounceMs: 5 }),
    calls,
    batches,
    logs,
    sink,
    nextBatch: () => new Promise((resolve) => waiters.push(resolve)),
    write: (name, text) => writeFileSync(join(dir, name), text),
    errors: () => logs.filter((l) => l.level === 'error').map((l) => l.msg),
    warnings: () => logs.filter((l) => l.level === 'warn').map((l) => l.msg),
  };
});

afterEach(async () => {
  await h.source.stop();
  rmSync(h.dir, { recursive: true, force: true });
});

describe('start', () => {
  test('applies the initial state as one batch, then calls synced', async () => {
    h.write('a-routes.yaml', routeYaml('web', 'web.test') + '---\n' + serviceYaml('web'));
    h.write('b-endpoints.json', endpointsJson('web', '10.0.0.1'));
    h.write('c.yml', routeYaml('api', 'api.test', 'shop'));
    // Not manifests: editor leftovers, dotfiles, other extensions, subdirectories.
    h.write('a-routes.yaml~', routeYaml('backup', 'x.test'));
    h.write('.#a-routes.yaml', routeYaml('lock', 'x.test'));
    h.write('.a-routes.yaml.swp', 'binary');
    h.write('README.md', '# hi');
    mkdirSync(join(h.dir, 'nested.yaml'));
    mkdirSync(join(h.dir, 'sub'));
    writeFileSync(join(h.dir, 'sub', 'd.yaml'), routeYaml('nested', 'x.test'));

    await h.source.start(h.sink);

    expect(h.calls).toEqual(['apply', 'synced']);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert EndpointSlice shop/web', 'upsert Route default/web', 'upsert Route shop/api']);
    expect([h.errors(), h.warnings()]).toEqual([[], []]);
  });

  test('an empty directory only calls synced', async () => {
    await h.source.start(h.sink);
    expect(h.calls).toEqual(['synced']);
  });

  test('a missing directory rejects start', async () => {
    const missing = join(h.dir, 'nope');
    const source = new ManifestSource({ dir: missing, logger: createLogger({ format: 'json', level: 'silent' }) });
    await expect(source.start(h.sink)).rejects.toThrow(`manifest directory ${missing} does not exist`);
  });

  test('a file in place of the directory rejects start', async () => {
    h.write('file.yaml', '');
    const path = join(h.dir, 'file.yaml');
    const source = new ManifestSource({ dir: path, logger: createLogger({ format: 'json', level: 'silent' }) });
    await expect(source.start(h.sink)).rejects.toThrow(`manifest directory ${path} is not a directory`);
  });
});

describe('rescan', () => {
  test('add, change, unchanged rewrite and delete', async () => {
    h.write('a.yaml', routeYaml('web', 'web.test'));
    await h.source.start(h.sink);

    h.write('b.yaml', routeYaml('api', 'api.test') + '---\n' + serviceYaml('api'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['upsert Route default/api']);

    h.write('a.yaml', routeYaml('web', 'www.test'));
    await h.source.rescan();
    const [changed] = h.batches.at(-1) ?? [];
    expect(changed?.kind === 'Route' && changed.object.host).toBe('www.test');

    // Same objects, different text: nothing to report.
    h.write('a.yaml', `# reformatted\n${routeYaml('web', 'www.test')}`);
    const before = h.batches.length;
    await h.source.rescan();
    expect(h.batches.length).toBe(before);

    unlinkSync(join(h.dir, 'b.yaml'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['delete Route default/api']);
    expect(h.calls.filter((c) => c === 'synced')).toHaveLength(1);
  });

  test('overlapping rescan requests share one scan and report a change once', async () => {
    await h.source.start(h.sink);
    h.write('a.yaml', routeYaml('web', 'one.test'));
    const first = h.source.rescan();
    const second = h.source.rescan();
    expect(second).toBe(first);
    await second;
    expect(h.batches).toHaveLength(1);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/web']);
  });

  test('a broken file keeps its last objects and logs the parser error once', async () => {
    h.write('a.yaml', routeYaml('web', 'web.test'));
    await h.source.start(h.sink);
    const path = join(h.dir, 'a.yaml');

    // A half-written file: the route must keep serving.
    h.write('a.yaml', 'apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: a: b\n');
    await h.source.rescan();
    await h.source.rescan();
    expect(h.batches).toHaveLength(1);
    expect(h.errors()).toEqual([
      `${path}: Nested mappings are not allowed in compact mappings at line 4, column 9 (keeping the objects it last defined)`,
    ]);

    // A conversion error is a different error, logged once too.
    h.write('a.yaml', routeYaml('web', '42'));
    await h.source.rescan();
    await h.source.rescan();
    expect(h.batches).toHaveLength(1);
    expect(h.errors()).toHaveLength(2);
    expect(h.errors()[1]).toBe(`${path}: Route default/web: spec.host must be a string (keeping what the file last defined for it; its other objects are served)`);

    h.write('a.yaml', routeYaml('web', 'fixed.test'));
    await h.source.rescan();
    const [fixed] = h.batches.at(-1) ?? [];
    expect(fixed?.kind === 'Route' && fixed.object.host).toBe('fixed.test');
  });

  test('a file that was never valid contributes nothing; deleting a broken file removes its objects', async () => {
    h.write('a.yaml', routeYaml('web', 'web.test'));
    h.write('b.json', '{"kind": ');
    await h.source.start(h.sink);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/web']);
    expect(h.errors()).toHaveLength(1);
    expect(h.errors()[0]).toStartWith(`${join(h.dir, 'b.json')}: invalid JSON: `);

    h.write('a.yaml', 'kind: [');
    await h.source.rescan();
    unlinkSync(join(h.dir, 'a.yaml'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['delete Route default/web']);
  });

  test('an object defined in two files comes from the file that sorts last, with one warning', async () => {
    h.write('b.yaml', routeYaml('web', 'b.test'));
    h.write('a.yaml', routeYaml('web', 'a.test'));
    await h.source.start(h.sink);
    const [event] = h.batches[0] ?? [];
    expect(event?.kind === 'Route' && event.object.host).toBe('b.test');
    await h.source.rescan();
    expect(h.warnings()).toEqual([
      `Route default/web is defined in both ${join(h.dir, 'a.yaml')} and ${join(h.dir, 'b.yaml')}; using ${join(h.dir, 'b.yaml')}`,
    ]);

    // The winner's file goes away: the other definition takes over.
    unlinkSync(join(h.dir, 'b.yaml'));
    await h.source.rescan();
    const [next] = h.batches.at(-1) ?? [];
    expect(next?.type === 'upsert' && next.kind === 'Route' && next.object.host).toBe('a.test');
  });

  test('other kinds are warned about once', async () => {
    h.write('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n');
    await h.source.start(h.sink);
    await h.source.rescan();
    expect(h.warnings()).toHaveLength(1);
    expect(h.warnings()[0]).toStartWith(`${join(h.dir, 'cm.yaml')}: ignoring ConfigMap cm (v1)`);
  });

  test('the directory disappearing logs an error once and keeps the last state', async () => {
    h.write('a.yaml', routeYaml('web', 'web.test'));
    await h.source.start(h.sink);
    rmSync(h.dir, { recursive: true });
    await h.source.rescan();
    await h.source.rescan();
    expect(h.batches).toHaveLength(1);
    expect(h.errors()).toHaveLength(1);
    expect(h.errors()[0]).toStartWith(`cannot read manifest directory ${h.dir}: `);
    expect(h.errors()[0]).toEndWith('; keeping the last state');
  });
});

describe('files written in place, broken files, bounds', () => {
  /** A source over the harness's directory and sink with other timings. */
  const sourceWith = (opts: { removalSettleMs?: number; rescanIntervalMs?: number; debounceMs?: number }) => {
    const logger = createLogger({ format: 'json', level: 'debug', write: (line) => h.logs.push(JSON.parse(line)) });
    return new ManifestSource({ dir: h.dir, logger, debounceMs: 5, ...opts });
  };

  test('a file emptied in place (`cmd > file`) keeps its objects until it has been left alone; one renamed over counts at once', async () => {
    const source = sourceWith({ removalSettleMs: 400 });
    try {
      h.write('a.yaml', routeYaml('a', 'a.test') + '---\n' + routeYaml('b', 'b.test'));
      await source.start(h.sink);
      expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/a', 'upsert Route default/b']);

      // Truncated, then written with one object fewer before the wait is over: only that one goes, after the wait.
      h.write('a.yaml', '');
      await source.rescan();
      expect(h.batches).toHaveLength(1);
      h.write('a.yaml', routeYaml('a', 'a2.test'));
      await source.rescan();
      expect(summary(h.batches[1] ?? [])).toEqual(['upsert Route default/a']);
      const gone = h.nextBatch();
      const written = Date.now();
      expect(summary(await gone)).toEqual(['delete Route default/b']);
      expect(Date.now() - written).toBeGreaterThanOrEqual(300);

      // Written elsewhere and renamed over: a new inode, whole when it appears.
      writeFileSync(join(h.dir, '.a.yaml.tmp'), routeYaml('c', 'c.test'));
      renameSync(join(h.dir, '.a.yaml.tmp'), join(h.dir, 'a.yaml'));
      await source.rescan();
      expect(summary(h.batches.at(-1) ?? [])).toEqual(['delete Route default/a', 'upsert Route default/c']);
    } finally {
      await source.stop();
    }
  });

  test('a file with an object that does not convert serves the others, also at start, and keeps the last version of that one', async () => {
    h.write('a.yaml', routeYaml('good', 'good.test') + '---\n' + routeYaml('bad', '42'));
    await h.source.start(h.sink);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/good']);
    expect(h.errors()).toEqual([`${join(h.dir, 'a.yaml')}: Route default/bad: spec.host must be a string (its other objects are served)`]);

    h.write('a.yaml', routeYaml('good', 'good2.test') + '---\n' + routeYaml('bad', 'bad.test'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['upsert Route default/bad', 'upsert Route default/good']);
    // Broken again (renamed over: whole), and a good object dropped: the broken one keeps its last version, the dropped one goes.
    writeFileSync(join(h.dir, '.a.yaml.new'), routeYaml('bad', '42') + '---\n' + routeYaml('new', 'new.test'));
    renameSync(join(h.dir, '.a.yaml.new'), join(h.dir, 'a.yaml'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['delete Route default/good', 'upsert Route default/new']);
    // One that names no one could be any: nothing the file defined goes while it is there.
    writeFileSync(join(h.dir, '.a.yaml.new'), 'apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {}\n');
    renameSync(join(h.dir, '.a.yaml.new'), join(h.dir, 'a.yaml'));
    await h.source.rescan();
    expect(h.batches).toHaveLength(3);
  });

  test('one file nested past the stack\'s depth is that file\'s error; every other file still follows its changes', async () => {
    h.write('a.yaml', routeYaml('a', 'a.test'));
    h.write('deep.yaml', `${'['.repeat(60_000)}${']'.repeat(60_000)}\n`);
    await h.source.start(h.sink);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/a']);
    expect(h.errors()).toHaveLength(1);
    expect(h.errors()[0]).toStartWith(`${join(h.dir, 'deep.yaml')}: `);
    h.write('b.yaml', routeYaml('b', 'b.test'));
    await h.source.rescan();
    expect(summary(h.batches.at(-1) ?? [])).toEqual(['upsert Route default/b']);
  });

  test('YAML merge keys are honoured as kubectl honours them; a JSON file may start with a byte order mark', async () => {
    h.write('a.yaml', ['apiVersion: v1', 'kind: List', 'common: &tls', '  tls:', '    termination: edge', 'items:', '  - apiVersion: route.openshift.io/v1', '    kind: Route', '    metadata: {name: m}', '    spec:', '      <<: *tls', '      host: m.test', '      to: {kind: Service, name: m}', ''].join('\n'));
    h.write('b.json', `\ufeff${JSON.stringify({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'j' }, spec: { host: 'j.test', to: { kind: 'Service', name: 'j' } } })}`);
    await h.source.start(h.sink);
    const routes = (h.batches[0] ?? []).flatMap((e) => (e.kind === 'Route' ? [[e.object.name, e.object.tls?.termination ?? 'none']] : []));
    expect(routes).toEqual([['j', 'none'], ['m', 'edge']]);
  });

  test('a file over the size bound is not read, and said so', async () => {
    h.write('a.yaml', routeYaml('a', 'a.test'));
    h.write('big.yaml', '');
    fs.truncateSync(join(h.dir, 'big.yaml'), MAX_FILE_BYTES + 1);
    h.write('slow.yaml', `a: &x 1\nb: *x\n${'# padding\n'.repeat((EXACT_PARSER_LIMIT / 10) | 0)}`);
    await h.source.start(h.sink);
    expect(summary(h.batches[0] ?? [])).toEqual(['upsert Route default/a']);
    expect(h.errors().sort()).toEqual([
      `${join(h.dir, 'big.yaml')}: ${MAX_FILE_BYTES + 1} bytes, over the 64 MiB a manifest file may have: not read (nothing from it is served)`,
      `${join(h.dir, 'slow.yaml')}: 8.0 MiB of YAML that is not plain (anchors, tags, tabs, flow collections over several lines) or not valid: past 8 MiB only plain YAML or JSON is read (nothing from it is served)`,
    ]);
  });
});

describe('watching', () => {
  test('file changes reach the sink without a manual rescan', async () => {
    await h.source.start(h.sink);

    let batch = h.nextBatch();
    h.write('a.yaml', routeYaml('web', 'web.test'));
    expect(summary(await batch)).toEqual(['upsert Route default/web']);

    batch = h.nextBatch();
    unlinkSync(join(h.dir, 'a.yaml'));
    expect(summary(await batch)).toEqual(['delete Route default/web']);
  });

  test('a ConfigMap-style update (swapping the ..data symlink) is picked up', async () => {
    const version = (name: string, host: string): void => {
      mkdirSync(join(h.dir, name));
      writeFileSync(join(h.dir, name, 'route.yaml'), routeYaml('web', host));
    };
    version('..v1', 'one.test');
    symlinkSync('..v1', join(h.dir, '..data'));
    symlinkSync('..data/route.yaml', join(h.dir, 'route.yaml'));
    await h.source.start(h.sink);
    const [first] = h.batches[0] ?? [];
    expect(first?.kind === 'Route' && first.object.host).toBe('one.test');

    const batch = h.nextBatch();
    version('..v2', 'two.test');
    symlinkSync('..v2', join(h.dir, '..data_tmp'));
    renameSync(join(h.dir, '..data_tmp'), join(h.dir, '..data'));
    const [second] = await batch;
    expect(second?.kind === 'Route' && second.object.host).toBe('two.test');
  });

  test('a directory removed and made again, or a symlink to it swapped, is watched again; a symlinked file edited outside is seen by the periodic rescan', async () => {
    const logger = createLogger({ format: 'json', level: 'debug', write: (line) => h.logs.push(JSON.parse(line)) });
    const outside = mkdtempSync(join(tmpdir(), 'manifests-outside-'));
    const watchSpy = spyOn(fs, 'watch');
    const link = join(outside, 'current');
    mkdirSync(join(outside, 'v1'));
    writeFileSync(join(outside, 'v1', 'a.yaml'), routeYaml('a', 'one.test'));
    symlinkSync('v1', link);
    const source = new ManifestSource({ dir: link, logger, debounceMs: 5, rescanIntervalMs: 100 });
    const host = (batch: readonly ResourceEvent[]) => batch.flatMap((e) => (e.kind === 'Route' && e.type === 'upsert' ? [e.object.host] : []));
    try {
      await source.start(h.sink);
      expect(host(h.batches[0] ?? [])).toEqual(['one.test']);

      // A symlink swap (a deployment tool's `current -> v2`): no event in v1 tells of it.
      mkdirSync(join(outside, 'v2'));
      writeFileSync(join(outside, 'v2', 'a.yaml'), routeYaml('a', 'two.test'));
      let next = h.nextBatch();
      symlinkSync('v2', join(outside, 'next'));
      renameSync(join(outside, 'next'), link);
      expect(host(await next)).toEqual(['two.test']);
      expect(watchSpy.mock.calls.map((c) => c[0])).toEqual([link, link]);

      // Removed and made again.
      rmSync(join(outside, 'v2'), { recursive: true });
      mkdirSync(join(outside, 'v2'));
      next = h.nextBatch();
      writeFileSync(join(outside, 'v2', 'a.yaml'), routeYaml('a', 'three.test'));
      expect(host(await next)).toEqual(['three.test']);

      // A file that is a symlink to one outside, edited there.
      writeFileSync(join(outside, 'target.yaml'), routeYaml('t', 't1.test'));
      next = h.nextBatch();
      symlinkSync(join(outside, 'target.yaml'), join(outside, 'v2', 't.yaml'));
      expect(host(await next)).toEqual(['t1.test']);
      next = h.nextBatch();
      writeFileSync(join(outside, 'target.yaml'), routeYaml('t', 't2.test'));
      expect(host(await next)).toEqual(['t2.test']);
    } finally {
      await source.stop();
      watchSpy.mockRestore();
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a file written without a pause in the directory puts a scan off by a second at most', async () => {
    const source = (() => {
      const logger = createLogger({ format: 'json', level: 'debug', write: (line) => h.logs.push(JSON.parse(line)) });
      return new ManifestSource({ dir: h.dir, logger, debounceMs: 50 });
    })();
    const writer = setInterval(() => fs.appendFileSync(join(h.dir, 'writer.log'), 'line\n'), 10);
    // Without the bound the change would wait for the writer to pause: it stops after 4 s.
    const stopWriting = setTimeout(() => clearInterval(writer), 4_000);
    try {
      await source.start(h.sink);
      const next = h.nextBatch();
      const written = Date.now();
      h.write('a.yaml', routeYaml('a', 'a.test'));
      expect(summary(await next)).toEqual(['upsert Route default/a']);
      expect(Date.now() - written).toBeLessThan(3_000);
    } finally {
      clearTimeout(stopWriting);
      clearInterval(writer);
      await source.stop();
    }
  });

  test('stop closes the watcher, and no sink call follows it', async () => {
    const watchSpy = spyOn(fs, 'watch');
    try {
      await h.source.start(h.sink);
      const watcher = watchSpy.mock.results[0]?.value as fs.FSWatcher;
      const closeSpy = spyOn(watcher, 'close');
      h.write('a.yaml', routeYaml('web', 'web.test'));
      const pending = h.source.rescan();
      await h.source.stop();
      await pending;
      await h.source.rescan();
      expect(closeSpy).toHaveBeenCalledTimes(1);
      expect(h.calls).toEqual(['synced']);
    } finally {
      watchSpy.mockRestore();
    }
  });
});
