import { describe, expect, test } from 'bun:test';
import { MASTER_PATHS } from '../../test/support/master-paths.ts';
import { masterCommand, masterDirectory, startFailure } from './master-command.ts';

const paths = MASTER_PATHS;

describe('masterCommand', () => {
  test('a fresh master', () => {
    // The configuration relative to the master's directory: short names in HAPROXY_CFGFILES.
    expect(masterDirectory(paths)).toBe('/w/run');
    expect(masterCommand(paths)).toEqual(['/usr/sbin/haproxy', '-W', '-S', '/w/run/master.sock,mode,600', '-f', '../conf/haproxy.config', '-f', '../conf', '-p', '/w/run/haproxy.pid']);
  });

  test('a takeover fetches the listeners over the admin socket and soft-stops the predecessor', () => {
    expect(masterCommand({ ...paths, takeOverFrom: 4242 }).slice(-4)).toEqual(['-x', '/w/run/haproxy.sock', '-sf', '4242']);
  });
});

describe('startFailure', () => {
  test('ports taken by another process are said to be', () => {
    const message = startFailure(['[ALERT]    (1) : Binding [h.cfg:12] for frontend public: cannot bind socket (Address already in use) for [127.0.0.1:80]'], 30_000);
    expect(message).toContain('already listens on these ports');
    expect(message).toContain('cannot bind socket (Address already in use) for [127.0.0.1:80]');
  });

  test('other alerts are passed on as they are', () => {
    expect(startFailure(['[ALERT] a', '[ALERT] b'], 30_000)).toBe('haproxy failed to start: [ALERT] a; [ALERT] b');
  });

  test('no alert: the wait that ran out', () => {
    expect(startFailure([], 30_000)).toBe('haproxy failed to start: no worker within 30000 ms');
  });
});
