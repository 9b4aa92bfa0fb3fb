/**
 * Steady HTTP load on loopback, run as its own process by the benchmarks:
 * `bun bench/load.ts <port> <concurrency> <host>...`. Each worker loops over
 * keep-alive requests; a line is printed only when something changes, so the
 * output stays small at any rate:
 *   `serve <epoch ms> <host> <backend>`  a host is answered by a backend it was not answered by just before
 *   `fail <epoch ms> <host> <status|error>`  a failed request (anything but 200 while a backend answered before)
 * and on SIGTERM: `total <requests> <failures>`.
 */
const [portArg, concurrencyArg, ...hosts] = process.argv.slice(2);
const port = Number(portArg);
const concurrency = Number(concurrencyArg);
if (!port || !concurrency || hosts.length === 0) {
  console.error('usage: bun bench/load.ts <port> <concurrency> <host>...');
  process.exit(2);
}

let stopping = false;
let requests = 0;
let failures = 0;
const lastBackend = new Map<string, string>();

async function worker(offset: number): Promise<void> {
  for (let i = offset; !stopping; i++) {
    const host = hosts[i % hosts.length] ?? '';
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { Host: host } });
      await res.arrayBuffer();
      requests++;
      const backend = res.headers.get('x-backend');
      if (res.status === 200 && backend) {
        if (lastBackend.get(host) !== backend) {
          lastBackend.set(host, backend);
          console.log(`serve ${Date.now()} ${host} ${backend}`);
        }
      } else if (lastBackend.has(host)) {
        failures++;
        console.log(`fail ${Date.now()} ${host} ${res.status}`);
      }
    } catch (err) {
      requests++;
      failures++;
      console.log(`fail ${Date.now()} ${host} ${(err as Error).message.replace(/\s+/g, '_')}`);
    }
  }
}

process.on('SIGTERM', () => {
  stopping = true;
});
await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)));
console.log(`total ${requests} ${failures}`);
export {};
