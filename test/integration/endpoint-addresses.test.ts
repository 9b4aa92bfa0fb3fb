/**
 * Endpoint addresses outside 127.0.0.0/8, against a real haproxy: each
 * scenario runs in its own network namespace with only lo up
 * (test/support/netns.ts), so no address can reach anything outside.
 */
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { CheckResult } from '../../src/haproxy/check-config.ts';
import { runInNetns } from '../support/netns.ts';
import { ODD } from '../support/odd-addresses.ts';

const scenario = (name: string) => join(import.meta.dir, 'netns', `${name}.scenario.ts`);

describe('odd spellings of endpoint addresses', () => {
  test('a hostile slice next to a good tenant: refused one by one, the config stays loadable, restarts serve', async () => {
    const r = await runInNetns<{
      refusals: string[];
      hostileAnswers: Record<string, number>;
      onDisk: CheckResult;
      serverLines: string[];
      hostileServers: string[];
      v6Servers: string[];
      runningAddresses: string[];
      afterRestart: { good: string; hostile: string };
      planted: { lines: string[]; check: CheckResult };
    }>(scenario('odd-addresses'));
    // Nothing reached the victim through any spelling; the tenant's good endpoint kept serving.
    expect(r.hostileAnswers).toEqual({ 'hostile-ok': 20 });
    expect(r.onDisk).toEqual({ ok: true, output: [] });
    expect(r.afterRestart).toEqual({ good: 'good2', hostile: 'hostile-ok' });
    expect(r.hostileServers).toHaveLength(1);
    // IPv6 spelled oddly but unambiguously is written in one canonical form, in the name and the address.
    expect(r.v6Servers).toEqual([expect.stringMatching(/^\[fd00::1\]:\d+$/)]);
    expect(r.serverLines.filter((l) => l.includes('fd00::1')).sort()).toEqual([
      // Its health check, in a check slot, and its route server.
      expect.stringMatching(/^\s+server chk\d+ \[fd00::1\]:\d+ check /),
      expect.stringMatching(/^\s+server ept:v6:http:fd00::1:\d+ \[fd00::1\]:\d+ /),
    ]);
    expect(r.runningAddresses.filter((a) => !/^(127\.0\.0\.1|fd00::1|-)$/.test(a))).toEqual([]);
    expect(r.planted.lines).toEqual(['  server planted 08.0.0.1:80']);
    expect(r.planted.check.ok).toBe(true);
    // One log line per refused address, naming its slice.
    expect(r.refusals).toHaveLength(ODD.length);
    for (const odd of ODD) {
      expect(r.refusals).toContainEqual(`endpoint address ${JSON.stringify(odd)} of slice default/hostile-odd (service hostile) refused: not an IP address as haproxy reads it (IPv4: four decimal octets without leading zeros; no zone IDs or spaces)`);
    }
  }, 60_000);
});

describe("endpoints at the router host's own addresses", () => {
  test('refused by default (veth, lo, IPv4-mapped, added while running), served with --allow-host-endpoints, restricted by --endpoint-cidrs', async () => {
    const host = 'an address of this host (--allow-host-endpoints allows it)';
    const r = await runInNetns<Record<string, unknown>>(scenario('host-endpoints'));
    expect(r.byDefault).toEqual({
      answers: {
        'good.example.com': 'good',
        'veth.example.com': '503',
        'lo.example.com': '503',
        'mapped.example.com': '503',
        // Not the host's yet: written, and nothing answers there.
        'late.example.com': '503',
        'polled.example.com': '503',
      },
      refusals: { '10.200.0.1': [host], '10.255.0.1': [host], '::ffff:10.255.0.1': [host] },
      lateWritten: true,
    });
    expect(r.afterAdd).toEqual({ lateWritten: false, refusals: [host], late: '503' });
    expect(r.polled).toEqual({ refusals: [host] });
    expect(r.withFlag).toEqual({
      'good.example.com': 'good2',
      'veth.example.com': 'on-veth',
      'lo.example.com': 'on-lo',
      'mapped.example.com': 'on-lo',
      'late.example.com': 'any-address',
      'polled.example.com': 'any-address',
    });
    const outside = 'outside --endpoint-cidrs 10.255.0.0/24,fd00:1::/64';
    expect(r.withCidrs).toEqual({
      answers: {
        // Loopback stays governed by --allow-loopback-endpoints alone.
        'good.example.com': 'good2',
        'veth.example.com': '503',
        'lo.example.com': 'on-lo',
        'mapped.example.com': 'on-lo',
        'late.example.com': '503',
        'polled.example.com': '503',
      },
      refusals: { '10.200.0.1': [outside], '10.255.0.1': [], '::ffff:10.255.0.1': [], '127.0.0.1': [] },
    });
  }, 60_000);
});
