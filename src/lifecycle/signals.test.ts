import { expect, test } from 'bun:test';
import { reactTo, type Action, type HandledSignal, type Phase } from './signals.ts';

test.each<[HandledSignal, Phase, Action, Phase]>([
  ['SIGTERM', 'running', 'stop', 'stopping'],
  ['SIGINT', 'running', 'stop', 'stopping'],
  ['SIGTERM', 'stopping', 'stop-now', 'stopping-now'],
  ['SIGINT', 'stopping', 'stop-now', 'stopping-now'],
  ['SIGINT', 'stopping-now', 'ignore', 'stopping-now'],
  ['SIGTERM', 'handing-over', 'stop-now', 'stopping-now'],
  ['SIGUSR2', 'running', 'hand-over', 'handing-over'],
  ['SIGUSR2', 'stopping', 'ignore', 'stopping'],
  ['SIGUSR2', 'stopping-now', 'ignore', 'stopping-now'],
  ['SIGUSR2', 'handing-over', 'ignore', 'handing-over'],
  ['SIGHUP', 'running', 'ignore', 'running'],
  ['SIGHUP', 'stopping', 'ignore', 'stopping'],
  ['SIGHUP', 'handing-over', 'ignore', 'handing-over'],
])('%s while %s: %s, then %s', (signal, phase, action, next) => {
  const reaction = reactTo(signal, phase);
  expect(reaction.action).toBe(action);
  expect(reaction.phase).toBe(next);
  expect(reaction.message).not.toBe('');
});
