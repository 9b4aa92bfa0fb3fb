import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { systemdNotifier, watchdogPeriodMs } from './notify.ts';

function recording(fail?: Error) {
  const sent: { address: Uint8Array; payload: string }[] = [];
  return {
    sent,
    send(address: Uint8Array, payload: string) {
      if (fail) throw fail;
      sent.push({ address, payload });
    },
  };
}

describe('systemdNotifier', () => {
  test('sends READY=1 and STOPPING=1 to the socket systemd named', () => {
    const wire = recording();
    const { logger } = captureLogs();
    const notifier = systemdNotifier({ NOTIFY_SOCKET: '/run/systemd/notify' }, logger, wire.send);
    notifier.ready();
    notifier.stopping();
    expect(wire.sent.map((s) => s.payload)).toEqual(['READY=1', 'STOPPING=1']);
    expect(Buffer.from(wire.sent[0]!.address.subarray(2)).toString()).toBe('/run/systemd/notify\0');
  });

  test.each([
    ['no NOTIFY_SOCKET (not started by systemd)', {}],
    ['an empty NOTIFY_SOCKET', { NOTIFY_SOCKET: '' }],
  ])('does nothing with %s', (_name, env) => {
    const wire = recording();
    const capture = captureLogs();
    const notifier = systemdNotifier(env, capture.logger, wire.send);
    notifier.ready();
    notifier.stopping();
    expect(wire.sent).toEqual([]);
    expect(capture.logs).toEqual([]);
  });

  test('warns once about a NOTIFY_SOCKET it cannot use, and sends nothing', () => {
    const wire = recording();
    const capture = captureLogs();
    const notifier = systemdNotifier({ NOTIFY_SOCKET: 'relative/notify' }, capture.logger, wire.send);
    notifier.ready();
    expect(wire.sent).toEqual([]);
    expect(capture.logs.map((l) => l.level)).toEqual(['warn']);
    expect(capture.logs[0]!.msg).toContain('systemd will not hear that the router is ready');
  });

  test('a failed send is a warning naming the socket and the error, never an exception', () => {
    const wire = recording(new Error('sendto failed: ECONNREFUSED'));
    const capture = captureLogs();
    systemdNotifier({ NOTIFY_SOCKET: '@notify' }, capture.logger, wire.send).ready();
    expect(capture.logs).toEqual([expect.objectContaining({ level: 'warn', msg: 'could not tell systemd READY=1 on @notify: sendto failed: ECONNREFUSED' })]);
  });

  test('the watchdog pings at once and then at half WATCHDOG_USEC, quietly; a failing ping warns once until one gets through', () => {
    let tick: (() => void) | undefined;
    let period = 0;
    let stopped = false;
    const every = (fn: () => void, ms: number) => {
      tick = fn;
      period = ms;
      return () => void (stopped = true);
    };
    let failing = false;
    const sent: string[] = [];
    const capture = captureLogs();
    const notifier = systemdNotifier({ NOTIFY_SOCKET: '@notify', WATCHDOG_USEC: '60000000' }, capture.logger, (_a, payload) => {
      if (failing) throw new Error('ECONNREFUSED');
      sent.push(payload);
    }, every);
    const stop = notifier.watchdog();
    tick?.();
    expect([sent, period]).toEqual([['WATCHDOG=1', 'WATCHDOG=1'], 30_000]);
    failing = true;
    tick?.();
    tick?.();
    failing = false;
    tick?.();
    expect(capture.logs.filter((l) => l.level === 'warn')).toHaveLength(1);
    stop();
    expect(stopped).toBe(true);
  });

  test.each([
    ['no WATCHDOG_USEC', {}, undefined],
    ['WATCHDOG_USEC of 10 s', { WATCHDOG_USEC: '10000000' }, 5000],
    ['another process\'s WATCHDOG_PID', { WATCHDOG_USEC: '10000000', WATCHDOG_PID: '1' }, undefined],
    ['this process\'s WATCHDOG_PID', { WATCHDOG_USEC: '10000000', WATCHDOG_PID: '4242' }, 5000],
    ['a WATCHDOG_USEC that is no number', { WATCHDOG_USEC: 'soon' }, undefined],
  ])('watchdog period with %s', (_name, env, want) => {
    expect(watchdogPeriodMs(env, 4242)).toBe(want);
  });
});
