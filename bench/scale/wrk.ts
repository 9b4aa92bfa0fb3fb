/**
 * Requests per second with wrk (a C load generator, so the client is not the
 * bottleneck): keep-alive HTTP/1.1 GETs on 127.0.0.1 (or HTTPS: one TLS
 * handshake per connection, SNI 127.0.0.1, routed by Host as clients of an
 * edge route without SNI are), each request's Host and path prefix taken in
 * turn from a list of targets, so a router with many routes is asked for many
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
  /** Requests completed, and the seconds wrk measured them over. */
  requests: number;
  seconds: number;
}

/** A host to ask for, and the path every request to it starts with (a path route's path, or `/`). */
export interface WrkTarget {
  host: string;
  prefix: string;
}

/**
 * Each request its own path (`<prefix>item/<n>`), as real traffic has many
 * distinct URLs: haproxy caches pattern lookups by Host + path
 * (tune.pattern.cache-size, 10,000 keys), which with a few keys repeated
 * would hide the cost of a regex map scan after the first request per key.
 */
export function luaScript(targets: readonly WrkTarget[]): string {
  const list = targets.map((t) => `{${JSON.stringify(t.host)},${JSON.stringify(t.prefix)}}`).join(',');
  // One counter per wrk thread; requests are formatted per call since each has its own Host and path.
  return `local targets = {${list}}
local i = 0
request = function()
  i = i + 1
  local t = targets[(i % #targets) + 1]
  return wrk.format("GET", t[2] .. "item/" .. i, { Host = t[1] })
end
`;
}

export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const done = /(\d+) requests in ([\d.]+)(m?s)/.exec(out);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = errors ? errors.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const seconds = done ? Number(done[2]) / (done[3] === 'ms' ? 1000 : 1) : Number.NaN;
  return { rps, bad: non2xx + socketErrors, requests: done ? Number(done[1]) : Number.NaN, seconds };
}

export async function runWrkTargets(dir: string, url: string, targets: readonly WrkTarget[], opts: WrkOptions): Promise<WrkResult> {
  const script = join(dir, `wrk-${new URL(url).port}.lua`);
  writeFileSync(script, luaScript(targets));
  const proc = track('wrk', Bun.spawn(['wrk', `-t${opts.threads}`, `-c${opts.connections}`, `-d${opts.seconds}s`, '-s', script, url], { stdout: 'pipe', stderr: 'pipe' }));
  const out = await within('wrk', (opts.seconds + 30) * 1000, new Response(proc.stdout).text());
  await proc.exited;
  return parseWrk(out);
}

/** Plain HTTP to `port`, each host asked for at `/item/<n>`. */
export function runWrk(dir: string, port: number, hosts: readonly string[], opts: WrkOptions): Promise<WrkResult> {
  return runWrkTargets(dir, `http://127.0.0.1:${port}/`, hosts.map((host) => ({ host, prefix: '/' })), opts);
}
