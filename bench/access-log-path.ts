/**
 * The router's access-log line path alone, in CPU time (which holds on a
 * loaded machine, where requests/s do not): a feeder process writes
 * haproxy-shaped lines into the named pipe one write each, as haproxy does,
 * at RATE lines/s for SECONDS; a reader process runs the router's own
 * pipe reader (log-fifo.ts) and record writer (access-log.ts,
 * access-records.ts) with a JSON logger on stdout, a file, as journald
 * would take it. Prints the reader's CPU per line (all its threads: JIT,
 * collector, allocator included), its system share, and the records it
 * wrote. `bun run bench/access-log-path.ts` (RATE default 25000, SECONDS
 * default 10, ROUNDS default 3; READ_ONLY=1: the pipe read and nothing
 * done with the lines, the floor of any design that reads them).
 */
import { mkdtempSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/log.ts';
import { AccessLog } from '../src/haproxy/access-log.ts';
import { LogFifo } from '../src/haproxy/log-fifo.ts';
import type { ConfigModel } from '../src/config/model.ts';

const RATE = Number(process.env.RATE ?? 25_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const READ_ONLY = process.env.READ_ONLY === '1';
const LINE = (i: number) =>
  `@access 4242 be_http:shop:web 127.0.0.1:${40_000 + (i % 20_000)} [05/Dec/2026:19:35:03.025] public be_http:shop:web/ept:web:http:127.0.0.1:44461 0/0/1/2/3 200 121 - - --NI 1/1/0/0/0 0/0 "GET /item/${i} HTTP/1.1"\n`;

async function reader(path: string): Promise<void> {
  const logger = createLogger({ format: 'json', level: 'info' });
  const access = new AccessLog(logger.withTag('access'), () => {});
  access.serve({ backends: [{ name: 'be_http:shop:web', routeKey: 'shop/web' }] } as unknown as ConfigModel, 4242);
  let first: NodeJS.CpuUsage | undefined;
  const fifo = LogFifo.open(path, (bytes) => {
    first ??= process.cpuUsage();
    if (!READ_ONLY) access.lines(bytes);
  });
  fifo.start();
  writeSync(2, 'ready\n');
  // The feeder says it is done on stdin.
  for await (const _ of Bun.stdin.stream()) break;
  fifo.close();
  const cpu = process.cpuUsage(first);
  writeSync(2, `${JSON.stringify({ userUs: cpu.user, systemUs: cpu.system })}\n`);
}

async function feeder(path: string): Promise<void> {
  const { openSync } = await import('node:fs');
  const fd = openSync(path, 'w');
  const perMs = RATE / 1000;
  const start = performance.now();
  let sent = 0;
  while (sent < RATE * SECONDS) {
    const due = Math.min(RATE * SECONDS, Math.floor((performance.now() - start) * perMs));
    for (; sent < due; sent++) writeSync(fd, LINE(sent));
    await Bun.sleep(1);
  }
}

async function round(dir: string, n: number): Promise<{ lines: number; records: number; userUs: number; systemUs: number }> {
  const lines = RATE * SECONDS;
  const path = join(dir, `log-${n}.fifo`);
  const out = join(dir, `out-${n}.log`);
  const self = import.meta.path;
  const read = Bun.spawn(['bun', self, 'reader', path], { stdin: 'pipe', stdout: Bun.file(out), stderr: 'pipe' });
  const err = read.stderr.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('ready\n')) {
    const { value, done } = await err.read();
    if (done) throw new Error(`reader ended: ${text}`);
    text += decoder.decode(value);
  }
  const feed = Bun.spawn(['bun', self, 'feeder', path], { stdout: 'inherit', stderr: 'inherit', env: { ...process.env } });
  if ((await feed.exited) !== 0) throw new Error('feeder failed');
  read.stdin.write('done\n');
  read.stdin.end();
  for (;;) {
    const { value, done } = await err.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await read.exited;
  const result = JSON.parse(text.slice(text.indexOf('ready\n') + 6).trim()) as { userUs: number; systemUs: number };
  const records = readFileSync(out, 'utf8').split('\n').filter((l) => l.includes('"tag":"access"')).length;
  return { ...result, lines, records };
}

const [mode, path] = process.argv.slice(2);
if (mode === 'reader' && path) await reader(path);
else if (mode === 'feeder' && path) await feeder(path);
else {
  const dir = mkdtempSync(join(tmpdir(), 'rbalp-'));
  try {
    console.log(`| round | lines | records written | reader CPU ns/line | of which system |`);
    console.log('|---|---|---|---|---|');
    for (let n = 0; n < ROUNDS; n++) {
      const r = await round(dir, n);
      const per = ((r.userUs + r.systemUs) * 1000) / r.lines;
      console.log(`| ${n + 1} | ${r.lines} | ${r.records} | ${per.toFixed(0)} | ${((r.systemUs * 1000) / r.lines).toFixed(0)} |`);
    }
    console.log(`\n${RATE} lines/s for ${SECONDS} s per round; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
