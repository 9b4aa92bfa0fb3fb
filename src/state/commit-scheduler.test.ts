import { describe, expect, test } from 'bun:test';
import { CommitScheduler, type CommitResult } from './commit-scheduler.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const fail = (e: unknown) => {
  throw e;
};

/**
 * A scheduler, enabled, whose commits return `results` in turn, the first
 * taking `firstMs` (as a full one does at scale); with when each commit
 * started and ended.
 */
function scripted(results: CommitResult[], firstMs: number) {
  const starts: number[] = [];
  const ends: number[] = [];
  const started = deferred();
  const firstEnded = deferred();
  const s = new CommitScheduler(async () => {
    starts.push(performance.now());
    started.resolve();
    if (starts.length === 1) await Bun.sleep(firstMs);
    ends.push(performance.now());
    firstEnded.resolve();
    return results[starts.length - 1];
  }, fail);
  s.enable();
  return { s, starts, ends, started, firstEnded };
}

describe('CommitScheduler', () => {
  test('commits nothing before enable(), then once for everything pending', async () => {
    let commits = 0;
    const s = new CommitScheduler(async () => void commits++, fail);
    s.request();
    s.request();
    await Promise.resolve();
    expect(commits).toBe(0);
    s.enable();
    await s.flush();
    expect(commits).toBe(1);
  });

  test('a commit due now starts once the input already there is read, without waiting for a timer', async () => {
    let commits = 0;
    const s = new CommitScheduler(async () => void commits++, fail);
    s.enable();
    s.request();
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    await turn();
    expect(commits).toBe(0);
    await turn();
    expect(commits).toBe(1);
  });

  test('changes during a commit cause exactly one more commit', async () => {
    const gates = [deferred(), deferred()];
    const started = deferred();
    let commits = 0;
    const s = new CommitScheduler(async () => {
      started.resolve();
      await gates[commits++]?.promise;
    }, fail);
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

  test('a commit that asks to be retried runs again, and flush waits for the one that finishes', async () => {
    const results = [{ retryAfterMs: 5 }, {}];
    let commits = 0;
    const s = new CommitScheduler(async () => results[commits++], fail);
    s.enable();
    s.request();
    await s.flush();
    expect(commits).toBe(2);
  });

  test('requestNow runs a commit held back for a retry at once; request waits for the retry time', async () => {
    const results = [{ retryAfterMs: 60_000 }, {}, {}];
    let commits = 0;
    const first = deferred();
    const s = new CommitScheduler(async () => {
      commits++;
      first.resolve();
      return results[commits - 1];
    }, fail);
    s.enable();
    s.request();
    await first.promise;
    await Promise.resolve();
    s.request();
    await Bun.sleep(0);
    expect(commits).toBe(1);
    s.requestNow();
    await s.flush();
    expect(commits).toBe(2);
    await s.stop();
  });

  test.each([
    ['after it', false],
    ['during it', true],
  ])('changed() %s: a commit held back for a retry runs after a pause as long as that commit took, not at the retry time', async (_, during) => {
    const COMMIT_MS = 40;
    const { s, starts, ends, started, firstEnded } = scripted([{ retryAfterMs: 60_000 }, {}], COMMIT_MS);
    s.request();
    await started.promise;
    if (!during) await firstEnded.promise;
    s.changed();
    // The test's own timeout (5 s) is far below the retry time.
    await s.flush();
    expect(starts).toHaveLength(2);
    expect((starts[1] as number) - (ends[0] as number)).toBeGreaterThanOrEqual(COMMIT_MS - 5);
    await s.stop();
  });

  test('changed() after the pause has passed: a commit held back for a retry runs at once, the pause counted from the last commit end', async () => {
    const COMMIT_MS = 300;
    const { s, starts, firstEnded } = scripted([{ retryAfterMs: 60_000 }, {}], COMMIT_MS);
    s.request();
    await firstEnded.promise;
    // Time passing is what is tested: the change comes after a pause as long as the commit has gone by.
    await Bun.sleep(COMMIT_MS + 20);
    const changedAt = performance.now();
    s.changed();
    await s.flush();
    expect(starts).toHaveLength(2);
    expect((starts[1] as number) - changedAt).toBeLessThan(COMMIT_MS / 2);
    await s.stop();
  });

  test('a commit held back that says the next one has work runs it at once, not at the retry time; that one\'s retry holds', async () => {
    const results = [{ retryAfterMs: 60_000, again: true }, { retryAfterMs: 60_000 }];
    let commits = 0;
    const second = deferred();
    const s = new CommitScheduler(async () => {
      commits++;
      if (commits === 2) second.resolve();
      return results[commits - 1];
    }, fail);
    s.enable();
    s.request();
    // The test's own timeout (5 s) is far below the retry time.
    await second.promise;
    await Bun.sleep(20);
    expect(commits).toBe(2);
    await s.stop();
  });

  test('a commit that says the next one has work, with input that came during it: the next runs after the pause new input waits for', async () => {
    const COMMIT_MS = 40;
    const { s, starts, ends, started } = scripted([{ retryAfterMs: 60_000, again: true }, {}], COMMIT_MS);
    s.request();
    await started.promise;
    s.changed();
    await s.flush();
    expect(starts).toHaveLength(2);
    expect((starts[1] as number) - (ends[0] as number)).toBeGreaterThanOrEqual(COMMIT_MS - 5);
    await s.stop();
  });

  test('a commit that asks for another before its first await (a restarted haproxy brought in line) runs alone: the next waits for it', async () => {
    const gate = deferred();
    let running = 0;
    let most = 0;
    let commits = 0;
    const s: CommitScheduler = new CommitScheduler(async () => {
      commits++;
      running++;
      most = Math.max(most, running);
      if (commits === 1) s.requestNow();
      if (commits === 1) await gate.promise;
      running--;
    }, fail);
    s.enable();
    s.request();
    const done = s.flush();
    // A commit due now starts two immediates later (later()): give it four.
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(most).toBe(1);
    gate.resolve();
    await done;
    await s.flush();
    expect([commits, most]).toEqual([2, 1]);
    await s.stop();
  });

  test('requestNow during a commit that then asks for a retry makes the retry run at once', async () => {
    const gate = deferred();
    const started = deferred();
    const results = [{ retryAfterMs: 60_000 }, {}];
    let commits = 0;
    const s = new CommitScheduler(async () => {
      commits++;
      if (commits === 1) {
        started.resolve();
        await gate.promise;
      }
      return results[commits - 1];
    }, fail);
    s.enable();
    s.request();
    await started.promise;
    s.requestNow();
    gate.resolve();
    await s.flush();
    expect(commits).toBe(2);
    await s.stop();
  });

  test('a failing commit is reported and flush still resolves', async () => {
    const errors: unknown[] = [];
    const s = new CommitScheduler(async () => {
      throw new Error('boom');
    }, (e) => errors.push(e));
    s.enable();
    s.request();
    await s.flush();
    expect(errors).toHaveLength(1);
  });

  test('flush with nothing pending resolves at once', async () => {
    const s = new CommitScheduler(async () => {}, () => {});
    await s.flush();
  });

  describe('asides while a commit reloads', () => {
    /** A scheduler whose first commit runs until `release`, opening asides when `open` is called; asides answer `asideAnswers` in turn. */
    function reloading(asideAnswers: boolean[]) {
      const release = deferred();
      const started = deferred();
      const asideRan = deferred();
      const events: string[] = [];
      let commits = 0;
      let asides = 0;
      const s: CommitScheduler = new CommitScheduler(
        async () => {
          const n = ++commits;
          events.push(`commit ${n}`);
          started.resolve();
          if (n === 1) await release.promise;
          events.push(`commit ${n} ended`);
        },
        fail,
        async () => {
          events.push('aside');
          asideRan.resolve();
          return asideAnswers[asides++] ?? true;
        },
      );
      s.enable();
      return { s, release, started, asideRan, events };
    }

    test('none before the commit opens them; once open, input runs aside, and flush still waits for the commits after', async () => {
      const r = reloading([true]);
      r.s.request();
      await r.started.promise;
      r.s.changed();
      await Bun.sleep(5);
      expect(r.events).toEqual(['commit 1']);
      r.s.asideOpen();
      await r.asideRan.promise;
      let flushed = false;
      const flush = r.s.flush().then(() => (flushed = true));
      await Bun.sleep(5);
      expect(flushed).toBe(false);
      r.release.resolve();
      await flush;
      // The input that went aside is committed again after the reload: its new worker was loaded without it.
      expect(r.events).toEqual(['commit 1', 'aside', 'commit 1 ended', 'commit 2', 'commit 2 ended']);
      await r.s.stop();
    });

    test('an aside that cannot take its input closes asides until the commit under way ends', async () => {
      const r = reloading([false]);
      r.s.request();
      await r.started.promise;
      r.s.asideOpen();
      r.s.changed();
      await r.asideRan.promise;
      r.s.changed();
      await Bun.sleep(5);
      expect(r.events).toEqual(['commit 1', 'aside']);
      r.release.resolve();
      await r.s.flush();
      expect(r.events).toEqual(['commit 1', 'aside', 'commit 1 ended', 'commit 2', 'commit 2 ended']);
      await r.s.stop();
    });

    test('a burst of input goes aside in one batch; one aside at a time', async () => {
      const r = reloading([]);
      r.s.request();
      await r.started.promise;
      r.s.asideOpen();
      for (let i = 0; i < 10; i++) r.s.changed();
      await r.asideRan.promise;
      await Bun.sleep(5);
      expect(r.events).toEqual(['commit 1', 'aside']);
      r.release.resolve();
      await r.s.flush();
      await r.s.stop();
    });
  });
});
