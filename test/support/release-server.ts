import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The release file install.sh picks on this machine, and the other one. */
export const ASSET = process.arch === 'arm64' ? 'router-linux-arm64' : 'router-linux-amd64';
export const OTHER_ASSET = ASSET === 'router-linux-amd64' ? 'router-linux-arm64' : 'router-linux-amd64';

export const sha256 = (data: string | Uint8Array) => new Bun.CryptoHasher('sha256').update(data).digest('hex');

/** A stand-in release binary: all install.sh runs of it is `--version`. */
export const fakeRouterBinary = (version: string, exitCode = 0) => `#!/bin/sh\necho "router ${version}"\nexit ${exitCode}\n`;

/** Lays `dir` out as build:release does, with `binary` for this machine; `sums` rewrites SHA256SUMS to break it. */
export function writeRelease(dir: string, binary: string | Uint8Array, sums: (lines: string) => string = (l) => l): string {
  writeFileSync(join(dir, ASSET), binary);
  writeFileSync(join(dir, OTHER_ASSET), 'a binary for the other architecture\n');
  const lines = [ASSET, OTHER_ASSET].map((name) => `${sha256(readFileSync(join(dir, name)))}  ${name}\n`).join('');
  writeFileSync(join(dir, 'SHA256SUMS'), sums(lines));
  return dir;
}

/** Serves a release directory over HTTP on 127.0.0.1, as a mirror of the published files would. */
export function serveRelease(dir: string): { url: string; stop(): Promise<void> } {
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const name = new URL(req.url).pathname.slice(1);
      const file = Bun.file(join(dir, name));
      if (name.includes('/') || !(await file.exists())) return new Response('not found\n', { status: 404 });
      return new Response(file);
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}
