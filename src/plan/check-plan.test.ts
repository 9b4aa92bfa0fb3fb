import { describe, expect, test } from 'bun:test';
import type { CheckServerModel } from '../config/model.ts';
import { planChecks, type CheckPlan } from './check-plan.ts';

/** Where check slots 1-64 live. */
const CHECK_BACKEND = 'be_checks_0';

const slot = (name: string, more: Partial<CheckServerModel> = {}): CheckServerModel => ({ name, target: undefined, lastTarget: undefined, tls: false, intervalMs: 5000, active: false, ...more });
const at = (ip: string, port = 8080) => ({ target: { ip, port } });
const ref = (server: string) => ({ backend: CHECK_BACKEND, server });
const none: CheckPlan = { start: [], stop: [], reasons: [] };

describe('planChecks', () => {
  test.each<[string, CheckServerModel[], CheckServerModel[], CheckPlan]>([
    ['nothing changed', [slot('chk1', at('10.0.0.1'))], [slot('chk1', at('10.0.0.1'))], none],
    [
      'a free slot taken by an endpoint whose check runs: checks on before it leaves maintenance',
      [slot('chk1')],
      [slot('chk1', { ...at('10.0.0.1'), active: true })],
      {
        ...none,
        start: [{ kind: 'set-addr', ...ref('chk1'), ip: '10.0.0.1', port: 8080 }, { kind: 'enable-health', ...ref('chk1') }, { kind: 'enable-server', ...ref('chk1') }],
      },
    ],
    [
      'a free slot taken by an endpoint whose check does not run: switched on to leave maintenance, then off, and marked up',
      [slot('chk1')],
      [slot('chk1', at('fd00::1', 443))],
      {
        ...none,
        start: [
          { kind: 'set-addr', ...ref('chk1'), ip: 'fd00::1', port: 443 },
          { kind: 'enable-health', ...ref('chk1') },
          { kind: 'enable-server', ...ref('chk1') },
          { kind: 'disable-health', ...ref('chk1') },
          { kind: 'set-health-up', ...ref('chk1') },
        ],
      },
    ],
    [
      'a slot given back after its trackers: its check off, up, not in maintenance (its trackers would inherit it)',
      [slot('chk1', { ...at('10.0.0.1'), active: true })],
      [slot('chk1')],
      { ...none, stop: [{ kind: 'disable-health', ...ref('chk1') }, { kind: 'set-health-up', ...ref('chk1') }] },
    ],
    ['a check that starts running', [slot('chk1', at('10.0.0.1'))], [slot('chk1', { ...at('10.0.0.1'), active: true })], { ...none, start: [{ kind: 'enable-health', ...ref('chk1') }] }],
    [
      'a check that stops running leaves its server up, whatever its last result',
      [slot('chk1', { ...at('10.0.0.1'), active: true })],
      [slot('chk1', at('10.0.0.1'))],
      { ...none, start: [{ kind: 'disable-health', ...ref('chk1') }, { kind: 'set-health-up', ...ref('chk1') }] },
    ],
    ['a slot the worker does not have', [], [slot('chk1', at('10.0.0.1'))], { ...none, reasons: [{ code: 'check-slots-exhausted', backend: CHECK_BACKEND }] }],
    ['a slot the worker has and the next model not', [slot('chk1')], [], { ...none, reasons: [{ code: 'check-server-changed', backend: CHECK_BACKEND }] }],
    ['a slot changing kind', [slot('chk1')], [slot('chk1', { ...at('10.0.0.1'), tls: true })], { ...none, reasons: [{ code: 'check-server-changed', backend: CHECK_BACKEND }] }],
    ['a slot moving straight to another endpoint', [slot('chk1', at('10.0.0.1'))], [slot('chk1', at('10.0.0.2'))], { ...none, reasons: [{ code: 'check-server-changed', backend: CHECK_BACKEND }] }],
  ])('%s', (_name, applied, next, want) => expect(planChecks(applied, next)).toEqual(want));
});
