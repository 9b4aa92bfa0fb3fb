/** Starts the pod processes (bench/scale/pods.ts) and collects the ports they listen on. */
import type { Subprocess } from 'bun';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stop, track, within } from './children.ts';

export interface PodFleet {
  http: number[];
  tls: number[];
  pids: number[];
  stop(): Promise<void>;
}

async function firstLine(proc: Subprocess<'ignore', 'pipe', 'inherit'>): Promise<string> {
  const reader = proc.stdout.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('a pod process exited before listening');
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text.slice(0, text.indexOf('\n'));
}

/** `processes` pod processes sharing `httpPods` plain and `tlsPods` TLS listeners (the TLS ones present `tls`). */
export async function startPods(dir: string, opts: { processes: number; httpPods: number; tlsPods: number; tls: { cert: string; key: string } }): Promise<PodFleet> {
  const certFile = join(dir, 'pod.crt');
  const keyFile = join(dir, 'pod.key');
  writeFileSync(certFile, opts.tls.cert);
  writeFileSync(keyFile, opts.tls.key, { mode: 0o600 });
  const share = (total: number, i: number) => Math.floor(total / opts.processes) + (i < total % opts.processes ? 1 : 0);
  const procs = Array.from({ length: opts.processes }, (_, i) =>
    track(
      'pods',
      Bun.spawn(['bun', join(import.meta.dir, 'pods.ts'), String(share(opts.httpPods, i)), String(share(opts.tlsPods, i)), certFile, keyFile], {
        stdin: 'ignore',
        stdout: 'pipe',
        stderr: 'inherit',
      }),
    ),
  );
  const fleet: PodFleet = { http: [], tls: [], pids: procs.map((p) => p.pid), stop: async () => void (await Promise.all(procs.map((p) => stop(p)))) };
  for (const proc of procs) {
    // 3 minutes: at load 17-22 on 2 cores, 2,500 pods of one process were not all listening after 60 s.
    const ports = JSON.parse(await within('pods listening', 180_000, firstLine(proc))) as { http: number[]; tls: number[] };
    fleet.http.push(...ports.http);
    fleet.tls.push(...ports.tls);
  }
  return fleet;
}
