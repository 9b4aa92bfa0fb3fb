import { describe, expect, test } from 'bun:test';
import { createServer, type Server } from 'node:net';
import { freePortPair } from './net.ts';

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('freePortPair', () => {
  test('two distinct ports below the ephemeral range, each free to bind', async () => {
    for (let i = 0; i < 50; i++) {
      const [a, b] = await freePortPair();
      expect(a).not.toBe(b);
      for (const port of [a, b]) {
        expect(port).toBeGreaterThanOrEqual(20000);
        expect(port).toBeLessThan(32768);
      }
    }
    const [a, b] = await freePortPair();
    const servers = await Promise.all([a, b].map(listen));
    await Promise.all(servers.map((srv) => new Promise((resolve) => srv.close(resolve))));
  });
});
