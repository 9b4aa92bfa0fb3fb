/**
 * `perf record -g` of one process while a load runs, and the report of where
 * its CPU went (self time, by symbol), written beside the recording.
 */
import { writeFileSync } from 'node:fs';
import { stop, track } from '../scale/children.ts';

export async function profiled<T>(pid: number, file: string, run: () => Promise<T>): Promise<T> {
  const perf = track('perf', Bun.spawn(['perf', 'record', '-g', '-F', '999', '-p', String(pid), '-o', file], { stdout: 'ignore', stderr: 'pipe' }));
  // perf prints nothing until it stops; a short wait lets it attach before the load starts.
  await Bun.sleep(500);
  try {
    return await run();
  } finally {
    perf.kill('SIGINT');
    await stop(perf, 30_000);
    const report = Bun.spawnSync(['perf', 'report', '--stdio', '--no-children', '--percent-limit', '0.5', '-g', 'none', '-i', file], { stdout: 'pipe', stderr: 'pipe' });
    writeFileSync(`${file}.txt`, report.stdout.toString());
  }
}
