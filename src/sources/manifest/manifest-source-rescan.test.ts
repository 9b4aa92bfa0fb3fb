import { afterEach, beforeEach, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingSink } from '../../../test/support/recording-sink.ts';
import type { ResourceEvent } from '../../domain/events.ts';
import { createLogger } from '../../log.ts';
import { ManifestSource } from './manifest-source.ts';

const route = (name: string, host: string) =>
  `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: ${name}\nspec:\n  host: ${host}\n  to:\n    name: ${name}\n---\n`;

let dir: string;
let source: ManifestSource;
let logs: string[];
let batches: ResourceEvent[][];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'manifests-rescan-'));
  logs = [];
  batches = [];
  const logger = createLogger({ format: 'json', level: 'debug', write: (line) => logs.push((JSON.parse(line) as { msg: string }).msg) });
  source = new ManifestSource({ dir, logger, debounceMs: 5 });
});

afterEach(async () => {
  await source.stop();
  rmSync(dir, { recursive: true, force: true });
});

const start = () => source.start(recordingSink((events) => void batches.push(events)));
const lastLog = () => logs.at(-1) ?? '';

test('a rescan parses only the files whose bytes changed', async () => {
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.yaml`), route(`r${i}`, `r${i}.test`));
  await start();
  expect(lastLog()).toBe(`manifest directory ${dir}: parsed 5 of 5 file(s), applied 5 change(s)`);

  writeFileSync(join(dir, 'f3.yaml'), route('r3', 'moved.test'));
  // The same bytes again: read, but neither parsed nor reported.
  writeFileSync(join(dir, 'f1.yaml'), route('r1', 'r1.test'));
  await source.rescan();
  expect(lastLog()).toBe(`manifest directory ${dir}: parsed 1 of 5 file(s), applied 1 change(s)`);
  expect(batches.at(-1)?.map((e) => e.kind === 'Route' && `${e.type} ${e.object.host}`)).toEqual(['upsert moved.test']);

  const logged = logs.length;
  await source.rescan();
  expect(logs).toHaveLength(logged);

  unlinkSync(join(dir, 'f0.yaml'));
  await source.rescan();
  expect(lastLog()).toBe(`manifest directory ${dir}: parsed 0 of 4 file(s), applied 1 change(s)`);
  expect(batches.at(-1)?.map((e) => `${e.type} ${e.object.name}`)).toEqual(['delete r0']);
});

test('a file renamed is no change, and a broken file keeps serving until fixed', async () => {
  writeFileSync(join(dir, 'a.yaml'), route('web', 'web.test'));
  await start();
  writeFileSync(join(dir, 'b.yaml'), route('web', 'web.test'));
  unlinkSync(join(dir, 'a.yaml'));
  await source.rescan();
  expect(batches).toHaveLength(1);

  writeFileSync(join(dir, 'b.yaml'), 'kind: [');
  await source.rescan();
  expect(batches).toHaveLength(1);
  writeFileSync(join(dir, 'b.yaml'), route('web', 'fixed.test'));
  await source.rescan();
  expect(batches.at(-1)?.map((e) => e.kind === 'Route' && e.object.host)).toEqual(['fixed.test']);
});
