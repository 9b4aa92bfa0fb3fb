import { describe, expect, test } from 'bun:test';
import { AdmissionAhead } from './admission-ahead.ts';

function driven() {
  const queued: (() => void)[] = [];
  let admitted = 0;
  const ahead = new AdmissionAhead(
    () => admitted++,
    (fn) => queued.push(fn),
  );
  const run = () => {
    for (const fn of queued.splice(0)) fn();
    return admitted;
  };
  return { ahead, run };
}

describe('AdmissionAhead', () => {
  test('batches delivered in one turn are admitted once, the next turn again', () => {
    const { ahead, run } = driven();
    ahead.request();
    ahead.request();
    expect(run()).toBe(1);
    ahead.request();
    expect(run()).toBe(2);
  });

  test('nothing is admitted once the sources synced, not even what was already scheduled', () => {
    const { ahead, run } = driven();
    ahead.request();
    ahead.stop();
    ahead.request();
    expect(run()).toBe(0);
  });
});
