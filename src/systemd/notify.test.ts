import { describe, expect, test } from 'bun:test';
import { captureLogs } from '../../test/support/log-capture.ts';
import { systemdNotifier } from './notify.ts';

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
});
