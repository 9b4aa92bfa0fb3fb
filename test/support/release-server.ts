import { join } from 'node:path';

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
