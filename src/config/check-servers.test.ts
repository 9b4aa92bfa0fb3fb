import { heapStats } from 'bun:jsc';
import { describe, expect, test } from 'bun:test';
import { backend, server } from '../../test/support/models.ts';
import { checkKey, checkServers, serverCheckKey, serverCheckKeys, checksRun, freeSlots, neededChecks, trackedCheck, trackOf } from './check-servers.ts';

const s1 = server('s1');
const s2 = server('s2', { ip: '10.0.0.2' });
const reencrypt = (name: string, servers: ReturnType<typeof server>[]) => backend(name, servers, { termination: 'reencrypt', serverTls: { verify: 'none', alpn: true } });

describe('checksRun', () => {
  test.each([
    ['no servers', [], false],
    ['one server', [s1], false],
    ['two weighted servers', [s1, s2], true],
    ['a weighted server and a weight-0 one (kept for sticky sessions)', [s1, { ...s2, weight: 0 }], false],
  ] as const)('%s: %p', (_name, servers, want) => expect(checksRun({ servers: [...servers] })).toBe(want));
});

describe('neededChecks', () => {
  test('one per endpoint and kind of check, running when any backend that sends to it can fail over', () => {
    const needed = neededChecks([backend('be_http:ns:a', [s1]), backend('be_http:ns:b', [s1, s2]), reencrypt('be_secure:ns:c', [s1])]);
    expect([...needed].map(([key, n]) => [key, n.active])).toEqual([
      ['tcp 5000 10.0.0.1 8080', true],
      ['tcp 5000 10.0.0.2 8080', true],
      ['tls 5000 10.0.0.1 8080', false],
    ]);
  });
});

describe('checkServers', () => {
  test('slots numbered in key order, then free slots for plain and TLS checks, more as endpoints grow', () => {
    const checks = checkServers([backend('be_http:ns:b', [s2, s1])], { checkIntervalMs: 2000 });
    expect(checks.slice(0, 3)).toEqual([
      { name: 'chk1', target: { ip: '10.0.0.1', port: 8080 }, lastTarget: undefined, tls: false, intervalMs: 5000, active: true },
      { name: 'chk2', target: { ip: '10.0.0.2', port: 8080 }, lastTarget: undefined, tls: false, intervalMs: 5000, active: true },
      { name: 'chk3', target: undefined, lastTarget: undefined, tls: false, intervalMs: 2000, active: false },
    ]);
    expect(checks.filter((c) => !c.target).map((c) => c.tls)).toEqual([...Array(8).fill(false), ...Array(8).fill(true)]);
    expect([freeSlots(0), freeSlots(64), freeSlots(65), freeSlots(5000)]).toEqual([8, 8, 9, 625]);
  });

  test('each route server finds the slot it tracks; a model without one for it is a bug, not a config', () => {
    const b = backend('be_http:ns:a', [s1, s2]);
    const track = trackOf(checkServers([b], { checkIntervalMs: 5000 }));
    expect([track(b, s1), track(b, s2)]).toEqual(['chk1', 'chk2']);
    expect(() => track(reencrypt('be_secure:ns:c', [s1]), s1)).toThrow('no check server for be_secure:ns:c/s1');
  });
});

describe('trackedCheck', () => {
  test('finds the slot trackOf names for every server, by endpoint and kind of check; undefined for an endpoint nobody checks', () => {
    const backends = [backend('be_http:ns:a', [s1]), backend('be_http:ns:b', [s2, s1]), reencrypt('be_secure:ns:c', [s1])];
    const checks = checkServers(backends, { checkIntervalMs: 5000 });
    const track = trackOf(checks);
    for (const b of backends) for (const s of b.servers) expect(trackedCheck(checks, b, s)).toBe(track(b, s));
    expect(trackedCheck(checks, backends[2] as (typeof backends)[number], s2)).toBeUndefined();
  });
});

describe('checkKey', () => {
  test('profile and endpoint', () => {
    expect(checkKey({ tls: true, intervalMs: 5000 }, { ip: '10.0.0.1', port: 8443 })).toBe('tls 5000 10.0.0.1 8443');
  });

  test('the stages that key the same endpoint share one string, not a copy each', () => {
    const n = 10_000;
    const targets = Array.from({ length: n }, (_, i) => ({ ip: `10.1.${i >> 8}.${i & 255}`, port: 8080 }));
    const strings = () => {
      Bun.gc(true);
      return heapStats().objectTypeCounts.string ?? 0;
    };
    const before = strings();
    const stages = Array.from({ length: 5 }, () => targets.map((t) => checkKey({ tls: false, intervalMs: 5000 }, t)));
    expect(stages[4]?.[n - 1]).toBe('tcp 5000 10.1.39.15 8080');
    expect((strings() - before) / n).toBeLessThan(1.5);
  });

  test('a route server keys the check of its endpoint and backend profile; a full table starts over and keys alike', () => {
    const backend = { serverTls: { verify: true }, checkIntervalMs: 5000 } as unknown as Parameters<typeof serverCheckKey>[0];
    expect(serverCheckKey(backend, { ip: '10.0.0.1', port: 8443 })).toBe(checkKey({ tls: true, intervalMs: 5000 }, { ip: '10.0.0.1', port: 8443 }));
    for (let i = 0; i < 70_000; i++) checkKey({ tls: i % 2 === 0, intervalMs: 5000 + (i % 3) }, { ip: `10.2.${i >> 8}.${i & 255}`, port: 80 + (i % 5) });
    expect(checkKey({ tls: false, intervalMs: 5001 }, { ip: '10.2.0.1', port: 81 })).toBe('tcp 5001 10.2.0.1 81');
    expect(serverCheckKey(backend, { ip: '10.0.0.1', port: 8443 })).toBe('tls 5000 10.0.0.1 8443');
  });
});

describe('serverCheckKeys', () => {
  test("each server's key in order, worked out once per servers list and profile", () => {
    const plain = backend('be_http:ns:a', [s1, s2]);
    const keys = serverCheckKeys(plain);
    expect(keys).toEqual(plain.servers.map((s) => serverCheckKey(plain, s)));
    // A copy of the backend that keeps its servers (renamed, say) asks no lookup again.
    const renamed = { ...plain, name: 'be_http:ns:spare' };
    expect(serverCheckKeys(renamed)).toBe(keys);
    // The same servers checked another way key other checks.
    expect(serverCheckKeys({ ...plain, checkIntervalMs: 2000 })).toEqual(['tcp 2000 10.0.0.1 8080', 'tcp 2000 10.0.0.2 8080']);
    expect(serverCheckKeys(reencrypt('be_secure:ns:c', plain.servers))).toEqual(['tls 5000 10.0.0.1 8080', 'tls 5000 10.0.0.2 8080']);
    expect(serverCheckKeys({ ...plain, servers: [s2] })).toEqual(['tcp 5000 10.0.0.2 8080']);
  });

  test('one servers list under as many check intervals as routes may set: the keys of each, the last kept', () => {
    const plain = backend('be_http:ns:a', [s1]);
    for (let interval = 1; interval <= 3000; interval++) expect(serverCheckKeys({ ...plain, checkIntervalMs: interval })).toEqual([`tcp ${interval} 10.0.0.1 8080`]);
    const last = serverCheckKeys({ ...plain, checkIntervalMs: 3000 });
    const spare = { ...plain, name: 'be_http:ns:spare', checkIntervalMs: 3000 };
    expect(serverCheckKeys(spare)).toBe(last);
    expect(serverCheckKeys(plain)).toEqual(['tcp 5000 10.0.0.1 8080']);
    expect(serverCheckKeys({ ...plain, serverTls: reencrypt('x', plain.servers).serverTls })).toEqual(['tls 5000 10.0.0.1 8080']);
  });
});
