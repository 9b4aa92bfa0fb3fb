/**
 * Requests per second with wrk (a C load generator, so the client is not the
 * bottleneck): keep-alive HTTP/1.1 GETs on 127.0.0.1, each request's Host
 * taken in turn from a list, so a router with many routes is asked for many
 * of them, and each request's path a new one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { track, within } from './children.ts';

export interface WrkOptions {
  seconds: number;
  connections: number;
  threads: number;
}

export interface WrkResult {
  rps: number;
  /** Answers other than 2xx/3xx, and socket errors: a run with any is not a fair figure. */
  bad: number;
}

/**
 * Each request its own path under `prefix` (`<prefix><n>`), as real traffic
 * has many distinct URLs: haproxy caches pattern lookups by Host + path
 * (tune.pattern.cache-size, 10,000 keys), which with a few keys repeated
 * would hide the cost of a regex map scan after the first request per key.
 */
function luaScript(hosts: readonly string[], prefix: string): string {
  const list = hosts.map((h) => `"${h}"`).join(',');
  // One counter per wrk thread; requests are formatted per call since each has its own Host and path.
  return `local hosts = {${list}}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "${prefix}" .. i, { Host = hosts[(i % #hosts) + 1] })
end
`;
}

export async function runWrk(dir: string, port: number, hosts: readonly string[], opts: WrkOptions, prefix = '/item/'): Promise<WrkResult> {
  const script = join(dir, `wrk-${port}.lua`);
  writeFileSync(script, luaScript(hosts, prefix));
  const proc = track(
    'wrk',
    Bun.spawn(['wrk', `-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '-s', script, `http://127.0.0.1:${port}/`], { stdout: 'pipe', stderr: 'pipe' }),
  );
  const out = await within('wrk', (opts.seconds + 30) * 1000, new Response(proc.stdout).text());
  await proc.exited;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { rps, bad: non2xx + socketErrors };
}
