import { describe, expect, test } from 'bun:test';
import { route, settings, slice } from '../../test/support/fixtures.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { ConfigModel } from '../config/model.ts';
import { fitChecks } from './fit-checks.ts';
import { planDeleteRetry, planUpdate, runtimeSubset } from './plan.ts';

const A = 'be_http:ns:a';
const ref = (name: string) => ({ backend: A, server: name });
const base = model([backend(A, [server('s1')])]);

describe('planDeleteRetry', () => {
  test('passes through drain so maintenance closes idle connections again, then deletes', () => {
    expect(planDeleteRetry(ref('s1'))).toEqual([
      { kind: 'set-drain', ...ref('s1') },
      { kind: 'set-maint', ...ref('s1') },
      { kind: 'del-server', ...ref('s1') },
    ]);
  });
});

describe('runtimeSubset', () => {
  test('takes the server changes of unchanged backends and leaves everything else as applied', () => {
    const applied = buildConfigModel({
      routes: [route({ name: 'a' }), route({ name: 'b' })],
      slices: [slice('a', ['10.0.0.1']), slice('b', ['10.0.0.2'])],
      settings: settings(),
      allowAddress: () => true,
      defaultCertificate: '',
    });
    const next = buildConfigModel({
      routes: [route({ name: 'a' }), route({ name: 'b', path: '/moved' }), route({ name: 'c' })],
      slices: [slice('a', ['10.0.0.1', '10.0.0.9']), slice('b', ['10.0.0.2']), slice('c', ['10.0.0.3'])],
      settings: settings(),
      allowAddress: () => true,
      defaultCertificate: '',
    });
    const partial = runtimeSubset(applied, next);
    expect(partial.maps).toEqual(applied.maps);
    expect(partial.backends.map((b) => b.name)).toEqual(applied.backends.map((b) => b.name));
    expect(partial.backends[0]?.servers.map((s) => s.ip)).toEqual(['10.0.0.1', '10.0.0.9']);
    expect(planUpdate(applied, partial).kind).toBe('runtime');
    expect(planUpdate(partial, next).kind).toBe('reload');
  });

  test('a backend whose new endpoint finds no free check slot stays as applied; the others take their changes', () => {
    const a = backend(A, [server('s1')]);
    const b = backend('be_http:ns:b', [server('s2', { ip: '10.0.0.2' })]);
    const slot = (name: string, ip: string | undefined) => ({ name, target: ip ? { ip, port: 8080 } : undefined, lastTarget: undefined, tls: false, intervalMs: 5000, active: false });
    const applied = model([a, b], { checks: [slot('chk1', '10.0.0.1'), slot('chk2', '10.0.0.2'), slot('chk3', undefined)] });
    const next = model([backend(A, [server('s1'), server('s8', { ip: '10.0.0.8' })]), backend('be_http:ns:b', [server('s2', { ip: '10.0.0.2' }), server('s9', { ip: '10.0.0.9' })])]);
    const partial = runtimeSubset(applied, next);
    expect(partial.backends.map((x) => x.servers.map((s) => s.name))).toEqual([['s1', 's8'], ['s2']]);
    expect(partial.checks.map((c) => [c.name, c.target?.ip, c.active])).toEqual([
      ['chk1', '10.0.0.1', true],
      ['chk2', '10.0.0.2', false],
      ['chk3', '10.0.0.8', true],
    ]);
    expect(planUpdate(applied, partial).kind).toBe('runtime');
  });
});

describe('runtimeSubset: a route whose new shape waits for the reload', () => {
  const spare = 'be_http:_spare:1';
  const s8 = server('s8', { ip: '10.0.0.8' });
  const checked = (m: ConfigModel) => ({ ...m, checks: fitChecks(m.checks, m.backends) });

  test('keeps running as it ran, with its new endpoints', () => {
    const applied = checked(model([backend(A, [server('s1')], { balance: 'random' })]));
    const next = model([backend(A, [server('s1'), s8], { balance: 'roundrobin' })]);
    const partial = runtimeSubset(applied, { ...next, checks: fitChecks(applied.checks, next.backends) });
    expect(partial.backends.map((b) => [b.name, b.balance, b.servers.map((s) => s.name)])).toEqual([[A, 'random', ['s1', 's8']]]);
    expect(planUpdate(applied, partial).kind).toBe('runtime');
    expect(planUpdate(partial, next).kind).toBe('reload');
  });

  test("on a spare it took over, too; weights stay within what the running balance affords", () => {
    const applied = checked(model([backend(spare, [server('s1')], { balance: 'random', routeKey: 'ns/a' })]));
    const weighted = [server('s1', { weight: 256 }), { ...s8, weight: 1 }];
    // As fitToRunning leaves it: the route on a backend of its own, in its new shape; the spare it ran on gone.
    const next = model([backend(A, weighted, { balance: 'roundrobin', routeKey: 'ns/a' })]);
    const partial = runtimeSubset(applied, { ...next, checks: fitChecks(applied.checks, next.backends) });
    expect(partial.backends.map((b) => [b.name, b.balance, b.servers.map((s) => [s.name, s.weight])])).toEqual([[spare, 'random', [['s1', 16], ['s8', 1]]]]);
  });

  test('a balance that cannot take servers live keeps them as they ran', () => {
    const applied = checked(model([backend(A, [server('s1')], { balance: 'static-rr' })]));
    const next = model([backend(A, [server('s1'), s8], { balance: 'roundrobin' })]);
    expect(runtimeSubset(applied, { ...next, checks: fitChecks(applied.checks, next.backends) })).toBe(applied);
  });
});

describe('map changes', () => {
  test('are entry commands: additions and new values first, removals after, servers before the entries that use them', () => {
    const applied: ConfigModel = {
      ...base,
      maps: { ...base.maps, 'os_http_be.map': [{ key: 'h.com/a', value: A }, { key: 'h.com/b', value: A }] },
    };
    const withServer = model([backend(A, [server('s1'), server('pod:new', { ip: '10.0.0.9' })])]);
    const next: ConfigModel = {
      ...withServer,
      maps: { ...base.maps, 'os_http_be.map': [{ key: 'h.com/b', value: 'be_http:ns:other' }, { key: 'h.com/c', value: A }] },
    };
    const plan = planUpdate(applied, { ...next, checks: fitChecks(applied.checks, next.backends) });
    expect(plan.kind).toBe('runtime');
    if (plan.kind !== 'runtime') return;
    const kinds = plan.commands.map((c) => ('map' in c ? `${c.kind} ${c.key}` : c.kind));
    expect(kinds).toEqual([
      'enable-health',
      'set-addr',
      'enable-health',
      'enable-server',
      'add-server',
      'enable-server',
      'set-map h.com/b',
      'add-map h.com/c',
      'del-map h.com/a',
    ]);
  });
});
