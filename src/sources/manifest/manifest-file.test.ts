import { afterEach, beforeEach, describe, expect, spyOn, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifestFile, SETTLED_NS, unchangedSince, type FileRecord, type FileSignature } from './manifest-file.ts';

const signature: FileSignature = { dev: 1n, ino: 2n, size: 3n, mtimeNs: 4_000_000_000n, ctimeNs: 5_000_000_000n };
const record = (checkedAtNs: bigint): FileRecord => ({
  signature,
  checkedAtNs,
  hash: 0n,
  objects: undefined,
  problems: [],
});
const settled = signature.ctimeNs + SETTLED_NS + 1n;

describe('unchangedSince', () => {
  test.each<[string, FileRecord | undefined, FileSignature, boolean]>([
    ['same signature, read well after the last change', record(settled), signature, true],
    ['same signature, read within the settling time of the change', record(settled - 1n), signature, false],
    ['never read', undefined, signature, false],
    ['the last read failed', { ...record(settled), signature: undefined }, signature, false],
    ['another device', record(settled), { ...signature, dev: 9n }, false],
    ['another inode (a swapped symlink, a replaced file)', record(settled), { ...signature, ino: 9n }, false],
    ['another size', record(settled), { ...signature, size: 9n }, false],
    ['another mtime', record(settled), { ...signature, mtimeNs: 9n }, false],
    ['another ctime (mtime restored by cp -p or touch -d)', record(settled), { ...signature, ctimeNs: 9n }, false],
  ])('%s', (_name, previous, now, expected) => {
    expect(unchangedSince(previous, now)).toBe(expected);
  });
});

describe('readManifestFile', () => {
  let dir: string;
  let path: string;
  const route = (host: string) => `apiVersion: route.openshift.io/v1\nkind: Route\nmetadata:\n  name: web\nspec:\n  host: ${host}\n  to:\n    name: web\n`;
  const read = (previous?: FileRecord) => readManifestFile(path, previous, 'default');
  /** As if the record had been taken long after the file's last change. */
  const aged = (r: FileRecord): FileRecord => ({ ...r, checkedAtNs: r.checkedAtNs + 10n * SETTLED_NS });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifest-file-'));
    path = join(dir, 'a.yaml');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a file unchanged since a settled read is not read again', async () => {
    writeFileSync(path, route('a.test'));
    const first = aged((await read()) as FileRecord);
    expect(await read(first)).toBe(first);
  });

  test('a file emptied in place keeps its objects a while: from its change time, or from now when that time is ahead of the clock', async () => {
    writeFileSync(path, route('a.test'));
    const first = (await read()) as FileRecord;
    writeFileSync(path, '');
    const now = Date.now();
    const kept = (await read(first)) as FileRecord;
    expect([kept.objects, kept.hash]).toEqual([first.objects, undefined]);
    expect(Number((kept.settlesAtNs ?? 0n) / 1_000_000n) - now).toBeWithin(4_000, 5_100);

    // The clock stepped back 30 days: the file's change time is in its future, and the wait still ends 5 s from now.
    const clock = spyOn(Date, 'now').mockReturnValue(now - 30 * 86_400_000);
    try {
      const skewed = (await read(first)) as FileRecord;
      expect(Number((skewed.settlesAtNs ?? 0n) / 1_000_000n) - (now - 30 * 86_400_000)).toBeWithin(4_000, 5_100);
    } finally {
      clock.mockRestore();
    }
  });

  test('the same bytes written again are read but not parsed again', async () => {
    writeFileSync(path, route('a.test'));
    const first = (await read()) as FileRecord;
    writeFileSync(path, route('a.test'));
    const second = (await read(first)) as FileRecord;
    expect(second).not.toBe(first);
    expect(second.objects).toBe(first.objects as NonNullable<typeof first.objects>);
  });

  test('changed bytes are parsed', async () => {
    writeFileSync(path, route('a.test'));
    const first = aged((await read()) as FileRecord);
    writeFileSync(path, route('b.test'));
    expect((await read(first))?.objects?.routes.map((r) => r.host)).toEqual(['b.test']);
  });

  test('a same-size rewrite whose mtime was put back (cp -p, touch -d) is still seen, by its ctime', async () => {
    // Whole seconds, so that putting the mtime back restores it to the nanosecond.
    const putBack = () => utimesSync(path, 1_700_000_000, 1_700_000_000);
    writeFileSync(path, route('a.test'));
    putBack();
    const first = aged((await read()) as FileRecord);
    writeFileSync(path, route('b.test'));
    putBack();
    expect(statSync(path, { bigint: true }).mtimeNs).toBe(first.signature?.mtimeNs ?? 0n);
    expect((await read(first))?.objects?.routes.map((r) => r.host)).toEqual(['b.test']);
  });

  test('a broken file keeps the objects it last defined, with its error', async () => {
    writeFileSync(path, route('a.test'));
    const first = (await read()) as FileRecord;
    writeFileSync(path, 'kind: [');
    const second = (await read(first)) as FileRecord;
    expect(second.objects).toBe(first.objects as NonNullable<typeof first.objects>);
    expect(second.problems).toHaveLength(1);
    expect(second.problems[0]?.message).toEndWith('(keeping the objects it last defined)');
    // The same broken bytes again: the same record contents, nothing parsed.
    writeFileSync(path, 'kind: [');
    expect((await read(second))?.problems).toBe(second.problems);
  });

  test('a file that is gone, or not a regular file, has no record', async () => {
    writeFileSync(path, route('a.test'));
    const first = await read();
    unlinkSync(path);
    expect(await read(first)).toBeUndefined();
    mkdirSync(path);
    expect(await read(first)).toBeUndefined();
  });
});
