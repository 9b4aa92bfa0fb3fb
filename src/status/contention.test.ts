import { expect, test } from 'bun:test';
import { ContentionTracker } from './contention.ts';

test('a route contended more than the limit within the window is left alone until the window passes', () => {
  let t = 0;
  const tracker = new ContentionTracker(1000, 2, () => t);
  tracker.contended('ns/a');
  tracker.contended('ns/a');
  expect(tracker.isContended('ns/a')).toBe(false);
  tracker.contended('ns/a');
  expect(tracker.isContended('ns/a')).toBe(true);
  expect(tracker.isContended('ns/b')).toBe(false);
  t = 1001;
  expect(tracker.isContended('ns/a')).toBe(false);
});
