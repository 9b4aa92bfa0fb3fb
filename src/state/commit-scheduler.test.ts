import { describe, expect, test } from 'bun:test';
import { CommitScheduler } from './commit-scheduler.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CommitScheduler', () => {
  test('commits nothing before enable(), then once for everything pending', async () => {
    let commits = 0;
    const s = new CommitScheduler(async () => void commits++, 0, (e) => { throw e; });
    s.request();
    s.request();
    await Promise.resolve();
    expect(commits).toBe(0);
    s.enable();
    await s.flush();
    expect(commits).toBe(1);
  });

  test('changes during a commit cause exactly one more commit', async () => {
    const gates = [deferred(), deferred()];
    const started = deferred();
    let commits = 0;
    const s = new CommitScheduler(
      async () => {
        started.resolve();
        await gates[commits++]?.promise;
      },
      0,
      (e) => { throw e; },
    );
    s.enable();
    s.request();
    const first = s.flush();
    await started.promise;
    s.request();
    s.request();
    const second = s.flush();
    gates[0]?.resolve();
    await first;
    gates[1]?.resolve();
    await second;
    expect(commits).toBe(2);
  });

  test('commit starts are at least the interval apart', async () => {
    let clock = 1000;
    const starts: number[] = [];
    const s = new CommitScheduler(async () => void starts.push(clock), 50, (e) => { throw e; }, () => clock);
    s.enable();
    s.request();
    await s.flush();
    s.request();
    const done = s.flush();
    clock += 50;
    await done;
    expect(starts).toEqual([1000, 1050]);
  });

  test('a failing commit is reported and flush still resolves', async () => {
    const errors: unknown[] = [];
    const s = new CommitScheduler(async () => { throw new Error('boom'); }, 0, (e) => errors.push(e));
    s.enable();
    s.request();
    await s.flush();
    expect(errors).toHaveLength(1);
  });

  test('flush with nothing pending resolves at once', async () => {
    const s = new CommitScheduler(async () => {}, 0, () => {});
    await s.flush();
  });
});
