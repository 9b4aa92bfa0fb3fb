import { describe, expect, test } from 'bun:test';
import { backend, model, server } from '../../test/support/models.ts';
import type { CheckServerModel } from '../config/model.ts';
import { fitChecks, unplacedKeys } from './fit-checks.ts';
import { planUpdate } from './plan.ts';

/** Where check slots 1-64 live. */
const CHECK_BACKEND = 'be_checks_0';

const slot = (name: string, more: Partial<CheckServerModel> = {}): CheckServerModel => ({ name, target: undefined, lastTarget: undefined, tls: false, intervalMs: 5000, active: false, ...more });
const at = (ip: string) => ({ target: { ip, port: 8080 } });
const s1 = server('s1');
const s2 = server('s2', { ip: '10.0.0.2' });
const s3 = server('s3', { ip: '10.0.0.3' });
const tlsBackend = (name: string, servers: ReturnType<typeof server>[]) => backend(name, servers, { termination: 'reencrypt', serverTls: { verify: 'none', alpn: false } });

describe('fitChecks', () => {
  test('an endpoint keeps its slot, a new one takes the lowest free slot of its kind, a gone one gives its slot back', () => {
    const applied = [slot('chk1', at('10.0.0.1')), slot('chk2', at('10.0.0.2')), slot('chk3', { tls: true }), slot('chk4'), slot('chk5')];
    const fitted = fitChecks(applied, [backend('be_http:ns:a', [s1, s3]), tlsBackend('be_secure:ns:b', [s2])]);
    expect(fitted).toEqual([
      slot('chk1', { ...at('10.0.0.1'), active: true }),
      slot('chk2', { lastTarget: { ip: '10.0.0.2', port: 8080 } }),
      slot('chk3', { ...at('10.0.0.2'), tls: true }),
      slot('chk4', { ...at('10.0.0.3'), active: true }),
      slot('chk5'),
    ]);
  });

  test('an endpoint that comes back takes the slot it gave back, whichever is lowest, so its waiting servers can be revived', () => {
    const applied = [slot('chk1'), slot('chk2', { lastTarget: { ip: '10.0.0.3', port: 8080 } }), slot('chk3', { lastTarget: { ip: '10.0.0.2', port: 8080 } })];
    const fitted = fitChecks(applied, [backend('be_http:ns:a', [s2, s3])]);
    expect(fitted.map((c) => [c.name, c.target?.ip])).toEqual([
      ['chk1', undefined],
      ['chk2', '10.0.0.3'],
      ['chk3', '10.0.0.2'],
    ]);
  });

  test('a slot given back is not taken in the same step: its trackers may still wait for their deletion', () => {
    const fitted = fitChecks([slot('chk1', at('10.0.0.1')), slot('chk2')], [backend('be_http:ns:a', [s2, s3])]);
    expect(fitted.map((c) => [c.name, c.target?.ip])).toEqual([
      ['chk1', undefined],
      ['chk2', '10.0.0.2'],
      ['chk3', '10.0.0.3'],
    ]);
    expect(unplacedKeys([slot('chk1', at('10.0.0.1')), slot('chk2')], fitted)).toEqual(new Set(['tcp 5000 10.0.0.3 8080']));
  });

  test('a check runs when any backend tracking it has a second weighted server', () => {
    const fitted = fitChecks([slot('chk1', at('10.0.0.1')), slot('chk2', at('10.0.0.2'))], [backend('be_http:ns:a', [s1]), backend('be_http:ns:b', [s1, s2])]);
    expect(fitted.map((c) => c.active)).toEqual([true, true]);
    const weightless = fitChecks(fitted, [backend('be_http:ns:b', [s1, { ...s2, weight: 0 }])]);
    expect(weightless.map((c) => c.active)).toEqual([false, false]);
  });

  test('a new endpoint with no free slot left gets one the worker lacks, so the plan reloads, charged to the route that needs it', () => {
    const applied = model([backend('be_http:ns:a', [s1])], { checks: [slot('chk1', at('10.0.0.1'))] });
    const next = [backend('be_http:ns:a', [s1, s2])];
    const fitted = fitChecks(applied.checks, next);
    expect(fitted.map((c) => c.name)).toEqual(['chk1', 'chk2']);
    expect(planUpdate(applied, model(next, { checks: fitted }))).toEqual({ kind: 'reload', reasons: [{ code: 'check-slots-exhausted', backend: CHECK_BACKEND, route: 'ns/be_http:ns:a' }] });
  });
});
