import { describe, expect, test } from 'bun:test';
import type { CommitOutcome } from './commit/outcome.ts';
import { createLogger } from './log.ts';
import { firstCommitLine, StartTimeline } from './start-timeline.ts';

const base = { routes: new Map([['a/x', {}], ['a/y', {}]]), admitted: new Map([['a/x', {}]]), rejections: new Map(), notices: new Map() } as unknown as CommitOutcome;

describe('firstCommitLine', () => {
  test.each([
    [
      'a start',
      { ...base, result: 'started', durationMs: 1500, load: { kind: 'started', generation: 1, checkMs: 200, loadMs: 900 } },
      'started, 1 of 2 routes admitted, in 1500 ms: files written in 200 ms, haproxy started in 900 ms, 400 ms in admission, model, render and the worker check',
    ],
    ['no load', { ...base, result: 'deferred', durationMs: 12.4 }, 'deferred, 1 of 2 routes admitted, in 12 ms'],
    ['a failure', { ...base, result: 'failed', durationMs: 30, error: 'disk full' }, 'failed after 30 ms: disk full'],
  ] as [string, CommitOutcome, string][])('%s', (_, outcome, line) => {
    expect(firstCommitLine(outcome)).toBe(line);
  });
});

describe('StartTimeline', () => {
  test('logs steps with the time since the process started and the CPU used, haproxy\'s first spawn and the first commit once', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', level: 'debug', write: (l) => lines.push(l) });
    const timeline = new StartTimeline(logger, () => 1234, () => 2.345);
    timeline.mark('sources synced: 2 routes');
    timeline.launched();
    timeline.launched();
    timeline.observe({ ...base, result: 'deferred', durationMs: 5 } as CommitOutcome);
    timeline.observe({ ...base, result: 'runtime', durationMs: 5 } as CommitOutcome);
    const msgs = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toEqual([
      'sources synced: 2 routes (1234 ms after the process started, 2.35 s of CPU)',
      'haproxy spawned (1234 ms after the process started, 2.35 s of CPU)',
      'first commit: deferred, 1 of 2 routes admitted, in 5 ms (1234 ms after the process started, 2.35 s of CPU)',
    ]);
  });
});
