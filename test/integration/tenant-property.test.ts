/**
 * The tenant-isolation property, randomized: hostile Routes and
 * EndpointSlices from several seeds next to fixed good tenants, through the
 * API, while the router runs. Each seed runs in its own network namespace
 * (hostile addresses reach nothing outside it).
 */
import { describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { runInNetns } from '../support/netns.ts';
import type { TenantPropertyResult as Result } from './netns/tenant-property.scenario.ts';


const scenario = join(import.meta.dir, 'netns', 'tenant-property.scenario.ts');

describe('hostile tenants next to good ones (randomized)', () => {
  test.each([1, 2, 3])('seed %i: the good tenants keep their hosts and traffic, the config always loads, later changes go live', async (seed) => {
    process.env.ROUTER_TEST_SEED = String(seed);
    const r = await runInNetns<Result>(scenario, 90_000);
    expect(r.hostileObjects).toBeGreaterThan(50);
    expect(r.errors).toEqual([]);
    expect(r.observations.map((o) => o.batch)).toEqual(['created', 'rewritten', 'deleted', 'restarted']);
    // Not vacuous: hostile routes were both served and refused, among them claims on the good tenants' hosts.
    const created = r.observations[0];
    expect(created?.hostileAdmitted).toBeGreaterThan(0);
    expect(created?.hostileRejected.HostAlreadyClaimed).toBeGreaterThan(0);
    expect(created?.hostileRejected.ExtendedValidationFailed).toBeGreaterThan(0);
    for (const o of r.observations) {
      expect({ batch: o.batch, loads: o.configLoads, output: o.checkOutput }).toEqual({ batch: o.batch, loads: true, output: [] });
      expect({ batch: o.batch, rejected: o.goodRejected }).toEqual({ batch: o.batch, rejected: [] });
      expect({ batch: o.batch, plain: o.plain, api: o.api }).toEqual({ batch: o.batch, plain: o.batch === 'restarted' ? 'g4' : 'g1', api: 'g3' });
      expect({ batch: o.batch, ...o.secure }).toEqual({ batch: o.batch, status: 200, backend: 'g2', cn: 'secure.example.com' });
    }
  });
});
