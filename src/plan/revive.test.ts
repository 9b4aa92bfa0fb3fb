import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import { trackOf } from '../config/check-servers.ts';
import type { RuntimeCommand } from './commands.ts';
import { creationOptions, reviveWaitingServers, runtimePhases } from './revive.ts';

const ref = { backend: 'be_http:ns:a', server: 's1' };
const add = (options: string): RuntimeCommand => ({ kind: 'add-server', ...ref, address: '10.0.0.1:8080', options });
const enable: RuntimeCommand = { kind: 'enable-server', ...ref };

describe('reviveWaitingServers', () => {
  test('servers not waiting for deletion are added as planned', () => {
    const commands = [add('weight 3 track be_checks/chk1'), enable];
    expect(reviveWaitingServers(commands, new Map())).toEqual({ commands, stale: [] });
  });

  test("a server waiting for deletion with the same options is reweighed, and the plan's enable follows", () => {
    expect(reviveWaitingServers([add('weight 3 track be_checks/chk1'), enable], new Map([['be_http:ns:a/s1', 'track be_checks/chk1']]))).toEqual({
      commands: [{ kind: 'set-weight', ...ref, weight: 3 }, enable],
      stale: [],
    });
  });

  test('other options (another TLS to the pod, another check slot to follow), or unknown ones: stale, deleted first and then added as planned', () => {
    for (const [options, created] of [
      ['weight 1 ssl verify none track be_checks/chk1', 'track be_checks/chk1'],
      ['weight 1 track be_checks/chk2', 'track be_checks/chk1'],
      ['weight 1 track be_checks/chk1', undefined],
    ] as const) {
      expect(reviveWaitingServers([add(options), enable], new Map([['be_http:ns:a/s1', created]]))).toEqual({ commands: [add(options), enable], stale: [ref] });
    }
  });
});

describe('creationOptions', () => {
  test('the options the model renders for the server, weight left out; undefined for an unknown server', () => {
    const m = model([backend('be_http:ns:a', [server('s1', { weight: 7 })])]);
    const options = creationOptions(m, ref);
    expect(options).toStartWith('track be_checks_0/chk1 ');
    expect(options).not.toContain('weight');
    expect(creationOptions(m, { ...ref, server: 'nope' })).toBeUndefined();
  });

  test('finds the backend among many by name (they are kept in name order), and its own check slot', () => {
    const many = Array.from({ length: 50 }, (_, i) => backend(`be_http:ns:r${String(i).padStart(2, '0')}`, [server('s1', { ip: `10.0.1.${i}` })]));
    const m = model(many);
    const r37 = many[37] as (typeof many)[number];
    expect(creationOptions(m, { backend: r37.name, server: 's1' })).toStartWith(`track be_checks_0/${trackOf(m.checks)(r37, r37.servers[0] as (typeof r37.servers)[number])} `);
    expect(creationOptions(m, { backend: 'be_http:ns:r99', server: 's1' })).toBeUndefined();
  });
});

describe('runtimePhases', () => {
  test('servers and certificates first; map entries and server removals only in the second phase', () => {
    const commands: RuntimeCommand[] = [
      add('weight 1'),
      { kind: 'del-map', map: 'os_http_be.map', key: 'x' },
      enable,
      { kind: 'del-server', ...ref },
      { kind: 'add-map', map: 'os_http_be.map', key: 'y', value: 'be' },
    ];
    expect(runtimePhases(commands).map((p) => p.map((c) => c.kind))).toEqual([
      ['add-server', 'enable-server'],
      ['del-map', 'del-server', 'add-map'],
    ]);
  });

  test('empty phases are left out', () => {
    expect(runtimePhases([enable])).toEqual([[enable]]);
    expect(runtimePhases([])).toEqual([]);
  });
});
