import { describe, expect, test } from 'bun:test';
import { settings } from '../../test/support/fixtures.ts';
import type { BackendModel, ConfigModel, ServerModel } from '../config/model.ts';
import { backend, model, server } from '../../test/support/models.ts';
import { allowlistFile } from '../config/allowlists.ts';
import { serverOptions } from '../config/server-line.ts';
import { fitChecks } from './fit-checks.ts';
import type { RuntimeCommand } from './commands.ts';
import { backendChanges, planUpdate, type UpdatePlan } from './plan.ts';
import type { ReloadReasonCode } from './reload-reasons.ts';

/** Where check slots 1-64 live. */
const CHECK_BACKEND = 'be_checks_0';

const A = 'be_http:ns:a';
const s1 = server('s1');
const s2 = server('s2', { ip: '10.0.0.2' });
const ref = (name: string, backendName = A) => ({ backend: backendName, server: name });
/** The add-server command the config builder implies for `s` in `b`, tracking check slot `track`. */
const add = (b: BackendModel, s: ServerModel, track: string, address = `${s.ip}:${s.port}`): RuntimeCommand => ({
  kind: 'add-server',
  ...ref(s.name, b.name),
  address,
  options: serverOptions(b, s, track),
});
const chk = (name: string) => ({ backend: CHECK_BACKEND, server: name });
/** A free check slot taken by an endpoint (see check-plan.test.ts), its check running or not. */
const take = (slot: string, ip: string, active = true): RuntimeCommand[] => [
  { kind: 'set-addr', ...chk(slot), ip, port: 8080 },
  { kind: 'enable-health', ...chk(slot) },
  { kind: 'enable-server', ...chk(slot) },
  ...(active ? [] : [{ kind: 'disable-health', ...chk(slot) } as const, { kind: 'set-health-up', ...chk(slot) } as const]),
];
const checkOn = (slot: string): RuntimeCommand => ({ kind: 'enable-health', ...chk(slot) });
const checkOff = (slot: string): RuntimeCommand[] => [
  { kind: 'disable-health', ...chk(slot) },
  { kind: 'set-health-up', ...chk(slot) },
];
const giveBack = checkOff;
const reencrypt = (servers: ServerModel[], verify: 'none' | 'required') =>
  backend(A, servers, {
    termination: 'reencrypt',
    serverTls: verify === 'none' ? { verify, alpn: true } : { verify, caFile: '/certs/ca.pem', verifyHost: undefined, alpn: true },
  });

const sticky = (servers: ServerModel[], key = 'route-key', cookieName = 'c') =>
  backend(A, servers, { cookie: { name: cookieName, key, secure: false, sameSite: 'None', named: false } });

interface Case {
  name: string;
  applied: ConfigModel;
  next: ConfigModel;
  plan: UpdatePlan;
  /** The maxconn the worker loaded with, when not `applied`'s. */
  loaded?: number;
}

const base = model([backend(A, [s1])]);
const cases: Case[] = [
  { name: 'nothing changed', applied: base, next: model([backend(A, [s1])]), plan: { kind: 'none' } },
  {
    name: 'only the order of servers changed',
    applied: model([backend(A, [s1, s2])]),
    next: model([backend(A, [s2, s1])]),
    plan: { kind: 'none' },
  },
  {
    name: 'a server added',
    applied: base,
    next: model([backend(A, [s1, s2])]),
    plan: { kind: 'runtime', commands: [checkOn('chk1'), ...take('chk2', '10.0.0.2'), add(backend(A, []), s2, 'chk2'), { kind: 'enable-server', ...ref('s2') }] },
  },
  {
    name: 'a pod already checked for another route: the new server tracks that check, which now runs',
    applied: model([backend(A, [s1]), backend('be_http:ns:b', [s2])]),
    next: model([backend(A, [s1, s2]), backend('be_http:ns:b', [s2])]),
    plan: { kind: 'runtime', commands: [checkOn('chk1'), checkOn('chk2'), add(backend(A, []), s2, 'chk2'), { kind: 'enable-server', ...ref('s2') }] },
  },
  {
    name: 'an IPv6 server added: its address is bracketed',
    applied: base,
    next: model([backend(A, [s1, server('v6', { ip: 'fd00::1' })])]),
    plan: {
      kind: 'runtime',
      commands: [checkOn('chk1'), ...take('chk2', 'fd00::1'), add(backend(A, []), server('v6', { ip: 'fd00::1' }), 'chk2', '[fd00::1]:8080'), { kind: 'enable-server', ...ref('v6') }],
    },
  },
  {
    name: 'an allowlist changes entry by entry: new ones first, leaving ones after',
    applied: model([backend(A, [s1], { allowlist: ['10.0.0.0/8', '192.168.1.1'], allowlistAcl: true })]),
    next: model([backend(A, [s1], { allowlist: ['192.168.1.1', '172.16.0.0/12'], allowlistAcl: true })]),
    plan: {
      kind: 'runtime',
      commands: [
        { kind: 'add-acl', acl: allowlistFile(A), value: '172.16.0.0/12' },
        { kind: 'del-acl', acl: allowlistFile(A), value: '10.0.0.0/8' },
      ],
    },
  },
  {
    name: 'a server removed: the lone one left stops being checked, the slot of the other is given back once it is in maintenance',
    applied: model([backend(A, [s1, s2])]),
    next: base,
    plan: { kind: 'runtime', commands: [...checkOff('chk1'), { kind: 'set-maint', ...ref('s2') }, ...giveBack('chk2'), { kind: 'del-server', ...ref('s2') }] },
  },
  {
    name: 'a weight changed',
    applied: base,
    next: model([backend(A, [{ ...s1, weight: 200 }])]),
    plan: { kind: 'runtime', commands: [{ kind: 'set-weight', ...ref('s1'), weight: 200 }] },
  },
  {
    name: 'a pod replaced: the new server is in before the old one leaves',
    applied: base,
    next: model([backend(A, [s2])]),
    plan: {
      kind: 'runtime',
      commands: [
        ...take('chk2', '10.0.0.2', false),
        add(backend(A, []), s2, 'chk2'),
        { kind: 'enable-server', ...ref('s2') },
        { kind: 'set-maint', ...ref('s1') },
        ...giveBack('chk1'),
        { kind: 'del-server', ...ref('s1') },
      ],
    },
  },
  {
    name: 'deletions come last across backends',
    applied: model([backend(A, [s1, s2]), backend('be_http:ns:b', [s1])]),
    next: model([backend(A, [s1]), backend('be_http:ns:b', [s1, s2])]),
    plan: {
      kind: 'runtime',
      commands: [
        { kind: 'set-maint', ...ref('s2') },
        add(backend('be_http:ns:b', []), s2, 'chk2'),
        { kind: 'enable-server', ...ref('s2', 'be_http:ns:b') },
        { kind: 'del-server', ...ref('s2') },
      ],
    },
  },
  {
    name: 'hash-based balance takes servers (backends hash consistently)',
    applied: model([backend(A, [s1], { balance: 'source' })]),
    next: model([backend(A, [s1, s2], { balance: 'source' })]),
    plan: { kind: 'runtime', commands: [checkOn('chk1'), ...take('chk2', '10.0.0.2'), add(backend(A, [], { balance: 'source' }), s2, 'chk2'), { kind: 'enable-server', ...ref('s2') }] },
  },
  {
    name: 'static-rr: servers can still be removed',
    applied: model([backend(A, [s1, s2], { balance: 'static-rr' })]),
    next: model([backend(A, [s1], { balance: 'static-rr' })]),
    plan: { kind: 'runtime', commands: [...checkOff('chk1'), { kind: 'set-maint', ...ref('s2') }, ...giveBack('chk2'), { kind: 'del-server', ...ref('s2') }] },
  },
  {
    name: 'reencrypt without verification takes a first server, and a free TLS check slot',
    applied: model([reencrypt([], 'none')]),
    next: model([reencrypt([s1], 'none')]),
    plan: { kind: 'runtime', commands: [...take('chk9', '10.0.0.1', false), add(reencrypt([], 'none'), s1, 'chk9'), { kind: 'enable-server', ...ref('s1') }] },
  },
  {
    name: 'reencrypt with a CA takes more servers once it has one',
    applied: model([reencrypt([s1], 'required')]),
    next: model([reencrypt([s1, s2], 'required')]),
    plan: { kind: 'runtime', commands: [checkOn('chk1'), ...take('chk10', '10.0.0.2'), add(reencrypt([], 'required'), s2, 'chk10'), { kind: 'enable-server', ...ref('s2') }] },
  },
  {
    name: 'how a backend without servers verifies TLS is written nowhere: it changes freely',
    applied: model([reencrypt([], 'none')]),
    next: model([reencrypt([], 'required')]),
    plan: { kind: 'none' },
  },
  {
    name: "a reencrypt backend's first server: its route's CA is loaded first",
    applied: model([reencrypt([], 'required')], { certificates: [{ name: 'ca.pem', pem: 'CA PEM' }], settings: settings({ certDir: '/certs' }) }),
    next: model([reencrypt([s1], 'required')], { certificates: [{ name: 'ca.pem', pem: 'CA PEM' }], settings: settings({ certDir: '/certs' }) }),
    plan: {
      kind: 'runtime',
      commands: [
        { kind: 'new-ssl-ca-file', caFile: '/certs/ca.pem' },
        { kind: 'set-ssl-ca-file', caFile: '/certs/ca.pem', pem: 'CA PEM' },
        { kind: 'commit-ssl-ca-file', caFile: '/certs/ca.pem' },
        ...take('chk9', '10.0.0.1', false),
        add(reencrypt([], 'required'), s1, 'chk9'),
        { kind: 'enable-server', ...ref('s1') },
      ],
    },
  },
  {
    name: 'a server added to a backend with sticky cookies: cookies computed before it serves',
    applied: model([sticky([s1])]),
    next: model([sticky([s1, s2])]),
    plan: {
      kind: 'runtime',
      commands: [checkOn('chk1'), ...take('chk2', '10.0.0.2'), add(sticky([]), s2, 'chk2'), { kind: 'enable-dynamic-cookie', backend: A }, { kind: 'enable-server', ...ref('s2') }],
    },
  },
  {
    name: 'a server removed from a backend with sticky cookies: the others keep theirs',
    applied: model([sticky([s1, s2])]),
    next: model([sticky([s1])]),
    plan: { kind: 'runtime', commands: [...checkOff('chk1'), { kind: 'set-maint', ...ref('s2') }, ...giveBack('chk2'), { kind: 'del-server', ...ref('s2') }] },
  },
  {
    name: 'a new dynamic-cookie key (a spare taken over) is set after the servers are added, before they serve',
    applied: model([sticky([], 'spare-key')]),
    next: model([sticky([s1])]),
    plan: {
      kind: 'runtime',
      commands: [...take('chk1', '10.0.0.1', false), add(sticky([]), s1, 'chk1'), { kind: 'set-dynamic-cookie-key', backend: A, key: 'route-key' }, { kind: 'enable-server', ...ref('s1') }],
    },
  },
];

/** Reasons about a backend name the route it serves (the model builder's backends serve `ns/<backend name>`). */
const reload = (...reasons: [ReloadReasonCode, string | undefined][]): UpdatePlan => ({
  kind: 'reload',
  reasons: reasons.map(([code, b]) => (b === undefined ? { code, backend: b } : { code, backend: b, route: `ns/${b}` })),
});

const limit = (maxConnections: number, backends = [backend(A, [s1])]) => model(backends, { settings: settings({ maxConnections }) });
const addS2: RuntimeCommand[] = [checkOn('chk1'), ...take('chk2', '10.0.0.2'), add(backend(A, []), s2, 'chk2'), { kind: 'enable-server', ...ref('s2') }];
const limitCases: Case[] = [
  { name: 'only the connection limit lowered: set live', applied: limit(1000), next: limit(488), plan: { kind: 'runtime', commands: [{ kind: 'set-maxconn-global', maxconn: 488 }] } },
  {
    name: 'the limit lowered for the checks of a new server: set before the check starts',
    applied: limit(1000),
    next: limit(488, [backend(A, [s1, s2])]),
    plan: { kind: 'runtime', commands: [{ kind: 'set-maxconn-global', maxconn: 488 }, ...addS2] },
  },
  {
    name: 'the limit raised back, up to what the worker loaded: set last',
    applied: limit(488),
    next: limit(1000, [backend(A, [s1, s2])]),
    loaded: 1000,
    plan: { kind: 'runtime', commands: [...addS2, { kind: 'set-maxconn-global', maxconn: 1000 }] },
  },
  { name: 'the limit raised above what the worker loaded', applied: limit(488), next: limit(1001), loaded: 1000, plan: reload(['settings-changed', undefined]) },
  { name: 'the limit raised, and nothing says what the worker loaded', applied: limit(488), next: limit(1000), plan: reload(['settings-changed', undefined]) },
  {
    name: 'the limit and another setting changed',
    applied: limit(1000),
    next: model([backend(A, [s1])], { settings: settings({ maxConnections: 488, httpPort: 80 }) }),
    plan: reload(['settings-changed', undefined]),
  },
];

const reloadCases: Case[] = [
  { name: 'settings changed', applied: base, next: { ...base, settings: settings({ httpPort: 80 }) }, plan: reload(['settings-changed', undefined]) },
  {
    name: 'a backend added and one removed',
    applied: base,
    next: model([backend('be_http:ns:b', [s1])]),
    plan: reload(['backend-added', 'be_http:ns:b'], ['backend-removed', A]),
  },
  {
    name: 'an allowlist added to a backend without an ACL file changes its lines',
    applied: base,
    next: model([backend(A, [s1], { allowlist: ['10.0.0.1'], allowlistAcl: true })]),
    plan: reload(['backend-changed', A]),
  },
  {
    name: 'a backend line changed',
    applied: base,
    next: model([backend(A, [s1], { balance: 'roundrobin' })]),
    plan: reload(['backend-changed', A]),
  },
  {
    name: 'static-rr cannot take a server',
    applied: model([backend(A, [s1], { balance: 'static-rr' })]),
    next: model([backend(A, [s1, s2], { balance: 'static-rr' })]),
    plan: reload(['balance-not-dynamic', A]),
  },
  {
    name: 'static-rr cannot reweigh',
    applied: model([backend(A, [s1], { balance: 'static-rr' })]),
    next: model([backend(A, [{ ...s1, weight: 3 }], { balance: 'static-rr' })]),
    plan: reload(['balance-not-dynamic', A]),
  },
  {
    name: 'a server kept its name but moved',
    applied: base,
    next: model([backend(A, [{ ...s1, port: 9090 }])]),
    plan: reload(['server-address-changed', A]),
  },
  {
    name: 'a first server for a backend whose CA is not among the model files (the default destination CA)',
    applied: model([reencrypt([], 'required')]),
    next: model([reencrypt([s1], 'required')]),
    plan: reload(['ca-file-not-loaded', A]),
  },
  {
    name: 'a reencrypt backend with servers changes how it verifies them',
    applied: model([reencrypt([s1], 'none')]),
    next: model([reencrypt([s1], 'required')]),
    plan: reload(['backend-changed', A]),
  },
  {
    name: 'a cookie name cannot change live',
    applied: model([sticky([s1])]),
    next: model([sticky([s1], 'route-key', 'other')]),
    plan: reload(['backend-changed', A]),
  },
  {
    name: 'cookies switched on',
    applied: base,
    next: model([sticky([s1])]),
    plan: reload(['backend-changed', A]),
  },
  {
    name: 'a runtime-capable change next to a reload reason: only the reason counts',
    applied: model([backend(A, [s1]), backend('be_http:ns:b', [s1])]),
    next: model([backend(A, [s1, s2]), backend('be_http:ns:b', [s1], { mode: 'tcp' })]),
    plan: reload(['backend-changed', 'be_http:ns:b']),
  },
];

describe('planUpdate', () => {
  for (const c of [...cases, ...limitCases, ...reloadCases]) {
    test(c.name, () => {
      // As the router plans: the next check servers fitted to the slots the worker has.
      const next = { ...c.next, checks: fitChecks(c.applied.checks, c.next.backends) };
      expect(planUpdate(c.applied, next, undefined, c.loaded)).toEqual(c.plan);
    });
  }
});

describe('backendChanges', () => {
  const named = (...names: string[]) => names.map((name) => backend(name, []));
  const summary = (applied: BackendModel[], next: BackendModel[]) => {
    const c = backendChanges(applied, next);
    return { changed: c.changed.map((b) => `${b.name}${c.before.has(b) ? ' (replaces)' : ''}`), removed: c.removed.map((b) => b.name) };
  };

  test.each([
    ['the same objects', (a: BackendModel[]) => a, { changed: [], removed: [] }],
    ['a backend replaced by another of its name', (a: BackendModel[]) => [a[0] as BackendModel, backend('b', []), a[2] as BackendModel], { changed: ['b (replaces)'], removed: [] }],
    ['one new in the middle, one gone at the end', (a: BackendModel[]) => [a[0] as BackendModel, backend('ab', []), a[1] as BackendModel], { changed: ['ab'], removed: ['c'] }],
    ['all new names', () => named('d', 'e'), { changed: ['d', 'e'], removed: ['a', 'b', 'c'] }],
    // Out of name order (no model is): the backend of the same name is reported new and gone, which reloads, never unchanged.
    ['a list out of order', (a: BackendModel[]) => [a[2] as BackendModel, backend('a', []), a[1] as BackendModel], { changed: ['a', 'b'], removed: ['a', 'b'] }],
  ])('%s', (_, next, expected) => {
    const applied = named('a', 'b', 'c');
    expect(summary(applied, next(applied))).toEqual(expected);
  });
});
