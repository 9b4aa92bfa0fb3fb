import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { existsSync, lstatSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loopTurnsDuring } from '../../test/support/loop-turns.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import type { CertificateFile } from '../config/model.ts';
import { CertStore } from './cert-store.ts';

let dir: ReturnType<typeof shortTempDir>;
let store: CertStore;

beforeEach(async () => {
  dir = shortTempDir('certs');
  store = new CertStore(join(dir.path, 'certs'));
  await store.init();
});

afterEach(() => dir.remove());

/** Event-loop turns the calling thread took while `files` were written. */
const turnsWhileWriting = (files: CertificateFile[]) => loopTurnsDuring(() => store.write(files));

const others = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `cert-other-${i}.pem`, pem: `C${i}` }));

describe('CertStore.write', () => {
  // A change's few files go through the thread pool, a start's many are written in one go: alike but for that.
  test.each([
    ['a change', 0],
    ['a start', 40],
  ])('a file whose name the file system refuses is reported alone; the others are written (%s)', async (_, more) => {
    const unwritten = await store.write([{ name: `cert-${'x'.repeat(300)}.pem`, pem: 'A' }, { name: 'cert-ok.pem', pem: 'B' }, ...others(more)]);
    expect(unwritten).toEqual([{ name: `cert-${'x'.repeat(300)}.pem`, code: 'ENAMETOOLONG' }]);
    expect(await Bun.file(join(store.dir, 'cert-ok.pem')).text()).toBe('B');
    expect(readdirSync(store.dir)).toHaveLength(1 + more);
  });

  test("a change's files are written off the event loop; a start's many in one go", async () => {
    // As many as go off the loop: each file a few trips through the thread pool, any of which lets the loop turn.
    expect(await turnsWhileWriting(others(16))).toBeGreaterThan(0);
    expect(await turnsWhileWriting(others(40).map((f) => ({ ...f, name: f.name.replace('other', 'start') })))).toBe(0);
  });

  test('a failure of the directory itself fails the whole write', async () => {
    rmSync(store.dir, { recursive: true });
    await expect(store.write([{ name: 'cert-ok.pem', pem: 'B' }])).rejects.toThrow();
  });

  test('files already there are left alone (names are content-addressed)', async () => {
    await store.write([{ name: 'cert-ok.pem', pem: 'B' }]);
    expect(await store.write([{ name: 'cert-ok.pem', pem: 'changed' }])).toEqual([]);
    expect(await Bun.file(join(store.dir, 'cert-ok.pem')).text()).toBe('B');
    expect(existsSync(join(store.dir, 'cert-ok.pem.tmp'))).toBe(false);
  });
});

describe('files found in place', () => {
  test('a file with the right name but other contents (planted, or left by a crash) is replaced, not served', async () => {
    await Bun.write(join(store.dir, 'cert-ok.pem'), 'PLANTED');
    expect(await store.write([{ name: 'cert-ok.pem', pem: 'B' }])).toEqual([]);
    expect(await Bun.file(join(store.dir, 'cert-ok.pem')).text()).toBe('B');
  });

  test('a symlink in place of a certificate is replaced by a file; its target is left alone', async () => {
    const target = join(dir.path, 'elsewhere');
    await Bun.write(target, 'B');
    symlinkSync(target, join(store.dir, 'cert-ok.pem'));
    await store.write([{ name: 'cert-ok.pem', pem: 'B' }]);
    expect(lstatSync(join(store.dir, 'cert-ok.pem')).isSymbolicLink()).toBe(false);
    expect(await Bun.file(target).text()).toBe('B');
  });
});

describe('CertStore.later: the files of a change haproxy takes through its runtime API', () => {
  const file = (name: string, pem: string): CertificateFile => ({ name, pem });
  const names = () => readdirSync(store.dir).sort();

  test('are written in the background: the call returns before they are on disk, flush once they are', async () => {
    store.later([file('cert-a.pem', 'A'), file('cert-b.pem', 'B')]);
    expect(names()).toEqual([]);
    await store.flush();
    expect(names()).toEqual(['cert-a.pem', 'cert-b.pem']);
    expect(await Bun.file(join(store.dir, 'cert-a.pem')).text()).toBe('A');
    expect(lstatSync(join(store.dir, 'cert-a.pem')).mode & 0o777).toBe(0o600);
  });

  test('while the disk fails, flush says so and keeps them; the next flush writes them', async () => {
    rmSync(store.dir, { recursive: true });
    store.later([file('cert-a.pem', 'A')]);
    await expect(store.flush()).rejects.toThrow();
    await store.init();
    await store.flush();
    expect(names()).toEqual(['cert-a.pem']);
  });

  test('one the file system refuses is left out; the full write that follows reports it', async () => {
    const long = `cert-${'x'.repeat(300)}.pem`;
    store.later([file(long, 'A'), file('cert-ok.pem', 'B')]);
    await store.flush();
    expect(names()).toEqual(['cert-ok.pem']);
    expect(await store.write([file(long, 'A'), file('cert-ok.pem', 'B')])).toEqual([{ name: long, code: 'ENAMETOOLONG' }]);
  });

  test('a write waits for them, and a prune drops those no generation keeps', async () => {
    store.later([file('cert-a.pem', 'A'), file('cert-gone.pem', 'G')]);
    expect(await store.write([file('cert-a.pem', 'A'), file('cert-c.pem', 'C')])).toEqual([]);
    expect(names()).toEqual(['cert-a.pem', 'cert-c.pem', 'cert-gone.pem']);
    store.later([file('cert-d.pem', 'D'), file('cert-e.pem', 'E')]);
    await store.prune(new Set(['cert-a.pem', 'cert-d.pem']));
    await store.flush();
    expect(names()).toEqual(['cert-a.pem', 'cert-d.pem']);
  });
});
