import { afterAll, describe, expect, test } from 'bun:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { captureLogs } from '../../test/support/log-capture.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { watchOperatorFile, type FileReading } from './operator-file-watcher.ts';

const dir = shortTempDir('ofw');
afterAll(() => dir.remove());

/** Watches `file` in the temp dir, reading it as-is ("bad" reads as refused, "throw" makes the reader throw). */
function watchFile(file: string, current: string) {
  const path = join(dir.path, file);
  const logs = captureLogs();
  const changes: string[] = [];
  let waiting: ((pem: string) => void) | undefined;
  const read = async (): Promise<FileReading> => {
    const text = await Bun.file(path).text();
    if (text === 'throw') throw new Error('reader broke');
    return text === 'bad' ? { ok: false, message: `${file} is bad` } : { ok: true, pem: text };
  };
  const stop = watchOperatorFile({
    dir: dir.path,
    read,
    current,
    what: 'the test file',
    logger: logs.logger,
    debounceMs: 20,
    onChange(pem) {
      changes.push(pem);
      waiting?.(pem);
    },
  });
  const nextChange = () => new Promise<string>((resolve) => (waiting = resolve));
  return { path, logs, changes, stop, nextChange };
}

describe('watchOperatorFile', () => {
  test('reports each new checked content once; refused contents are logged once and change nothing', async () => {
    const w = watchFile('a.pem', 'v1');
    try {
      let next = w.nextChange();
      writeFileSync(w.path, 'v2');
      expect(await next).toBe('v2');

      writeFileSync(w.path, 'bad');
      await w.logs.waitForLog((r) => r.msg === 'a.pem is bad; keeping the test file in use');
      writeFileSync(w.path, 'bad');
      writeFileSync(w.path, 'throw');
      await w.logs.waitForLog((r) => r.msg === 'reading the test file failed: reader broke');

      // Still following after a refused reading and a failed one; the same content again is no change.
      next = w.nextChange();
      writeFileSync(w.path, 'v2');
      writeFileSync(w.path, 'v3');
      expect(await next).toBe('v3');
      expect(w.changes).toEqual(['v2', 'v3']);
      expect(w.logs.logs.filter((r) => r.msg.startsWith('a.pem is bad'))).toHaveLength(1);
    } finally {
      w.stop();
    }
  });

  test('stops reporting once stopped', async () => {
    const w = watchFile('b.pem', 'v1');
    w.stop();
    writeFileSync(w.path, 'v2');
    // A second watcher on the same directory shows the write was seen by the file system.
    const other = watchFile('c.pem', 'v1');
    try {
      const next = other.nextChange();
      writeFileSync(other.path, 'v2');
      await next;
      expect(w.changes).toEqual([]);
    } finally {
      other.stop();
    }
  });
});
