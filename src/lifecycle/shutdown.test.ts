import { describe, expect, test } from 'bun:test';
import { createLogger } from '../log.ts';
import { RouterShutdown } from './shutdown.ts';

/** Records what the shutdown asks of its parts, in order; intake and haproxy stop when the test says so. */
function harness(gracefulDelayMs: number) {
  const calls: string[] = [];
  const abandoned: number[] = [];
  const gate = () => Promise.withResolvers<void>();
  const intake = gate();
  const intakeCalled = gate();
  const drained = gate();
  let haproxyStop: Promise<void> | undefined;
  const shutdown = new RouterShutdown({
    gracefulDelayMs,
    stopIntake: () => {
      calls.push('stop intake');
      intakeCalled.resolve();
      return intake.promise;
    },
    supervisor: {
      stop: () => {
        calls.push('haproxy: drain');
        return (haproxyStop ??= drained.promise);
      },
      stopNow: () => {
        calls.push('haproxy: stop now');
        drained.resolve();
        return (haproxyStop ??= Promise.resolve());
      },
      release: async () => {
        calls.push('haproxy: release');
        return 1234;
      },
    },
    abandonLoads: () => void abandoned.push(calls.length),
    releaseWorkingDir: () => calls.push('release working dir'),
    log: createLogger({ format: 'json', level: 'silent' }),
  });
  return { shutdown, calls, intake, intakeCalled, drained, abandoned };
}

describe('RouterShutdown', () => {
  test('a stop fails readiness at once, keeps serving for the delay, then stops intake and drains haproxy', async () => {
    const h = harness(40);
    let told = 0;
    h.shutdown.onShuttingDown(() => told++);
    const started = Date.now();
    const done = h.shutdown.stop();
    expect(h.shutdown.shuttingDown).toBe(true);
    expect(told).toBe(1);
    expect(h.calls).toEqual([]);
    h.intake.resolve();
    h.drained.resolve();
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(39);
    expect(h.calls).toEqual(['stop intake', 'haproxy: drain', 'release working dir']);
  });

  test('a stop now during the delay skips the rest of it and stops haproxy without waiting for the intake', async () => {
    const h = harness(60_000);
    const stopping = h.shutdown.stop();
    const now = h.shutdown.stopNow();
    // haproxy is told first: the intake may be waiting for a reload that only ends with haproxy.
    expect(h.calls[0]).toBe('haproxy: stop now');
    h.intake.resolve();
    await Promise.all([stopping, now]);
    expect(h.calls).toEqual(['haproxy: stop now', 'stop intake', 'haproxy: stop now', 'release working dir']);
  });

  test('a hand-over stops intake and releases haproxy, leaving it running', async () => {
    const h = harness(60_000);
    const done = h.shutdown.handOver();
    expect(h.shutdown.shuttingDown).toBe(true);
    h.intake.resolve();
    await done;
    expect(h.calls).toEqual(['stop intake', 'haproxy: release', 'release working dir']);
    // A plain stop afterwards is the same hand-over, not a second ending.
    await h.shutdown.stop();
    expect(h.calls).toHaveLength(3);
  });

  test('a stop now during a hand-over stops haproxy instead of leaving it', async () => {
    const h = harness(60_000);
    const handing = h.shutdown.handOver();
    const now = h.shutdown.stopNow();
    h.intake.resolve();
    await Promise.all([handing, now]);
    expect(h.calls).not.toContain('haproxy: release');
    expect(h.calls).toContain('haproxy: stop now');
    expect(h.calls.at(-1)).toBe('release working dir');
  });

  test('a stop gives up waiting for a load once its delay is over (changes reload through it), a stop now at once; a hand-over waits for it', async () => {
    const stop = harness(30);
    const stopping = stop.shutdown.stop();
    expect(stop.abandoned).toEqual([]);
    await stop.intakeCalled.promise;
    expect(stop.abandoned).toEqual([0]);
    stop.intake.resolve();
    stop.drained.resolve();
    await stopping;
    const now = harness(60_000);
    void now.shutdown.stop();
    void now.shutdown.stopNow();
    expect(now.abandoned).toEqual([0]);
    const handOver = harness(0);
    const handing = handOver.shutdown.handOver();
    handOver.intake.resolve();
    await handing;
    expect(handOver.abandoned).toEqual([]);
  });

  test.each(['stop', 'handOver'] as const)('%s goes on when stopping the intake fails (its last writes on a full disk)', async (how) => {
    const h = harness(0);
    const done = h.shutdown[how]();
    h.intake.reject(new Error('ENOSPC: no space left on device, write'));
    h.drained.resolve();
    await done;
    expect(h.calls).toEqual(['stop intake', how === 'stop' ? 'haproxy: drain' : 'haproxy: release', 'release working dir']);
  });

  test('a listener added after shutting down began is called at once', () => {
    const h = harness(0);
    void h.shutdown.handOver();
    let told = false;
    h.shutdown.onShuttingDown(() => (told = true));
    expect(told).toBe(true);
  });
});
