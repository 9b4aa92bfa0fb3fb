import { afterAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { createLogger } from '../log.ts';
import { shortTempDir } from '../../test/support/workdir.ts';
import { startTicketKeyRotation, workerStep } from './ticket-key-rotation.ts';
import { loadTicketKeys, writeTicketKeys } from './ticket-keys.ts';

const dir = shortTempDir('tk');
afterAll(() => dir.remove());

describe('workerStep', () => {
  test.each([
    ['still on the old ring: add the key', ['a', 'b', 'c'], 'add-key'],
    ['already loaded the new file: nothing', ['b', 'c', 'n'], 'has-them'],
    ['anything else: every key of the file set again', ['x', 'y', 'z'], 'resync'],
    ['no keys at all', [], 'resync'],
  ] as const)('%s', (_what, held, want) => {
    expect(workerStep(held, ['a', 'b', 'c'], ['b', 'c', 'n'])).toBe(want);
  });
});

describe('a rotation without a reachable haproxy', () => {
  test('still rotates the file, which the next haproxy start loads', async () => {
    const path = await writeTicketKeys(dir.path);
    const before = await loadTicketKeys(path);
    const rotation = startTicketKeyRotation({ path, adminSocket: join(dir.path, 'absent.sock'), intervalMs: 3_600_000, logger: createLogger({ format: 'json', level: 'silent' }) });
    try {
      expect(await rotation.rotate()).toBe('worker-unreachable');
      const after = await loadTicketKeys(path);
      expect(after).toHaveLength(3);
      expect(after.slice(0, 2)).toEqual(before.slice(1));
      expect(before).not.toContain(after[2]);
    } finally {
      rotation.stop();
    }
  });
});
