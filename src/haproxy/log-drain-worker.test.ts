import { expect, test } from 'bun:test';
import { closeSync, openSync } from 'node:fs';
import { ByteRing } from './byte-ring.ts';
import { drainWorkerUrl, type DrainSetup } from './log-drain.ts';

test('a read that fails is said to the main thread with its error, not a silent stop', async () => {
  const fd = openSync('/dev/null', 'r');
  closeSync(fd);
  const worker = new Worker(drainWorkerUrl());
  try {
    const error = new Promise<string>((resolve) => (worker.onmessage = (event) => resolve(event.data.error)));
    const setup: DrainSetup = { fd, ring: ByteRing.create(1024).shared, control: new SharedArrayBuffer(4), readMs: 1, idleMs: 1 };
    worker.postMessage(setup);
    expect(await error).toMatch(/^reading haproxy's log pipe failed: [A-Z]+/);
  } finally {
    worker.terminate();
  }
});
