import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import type { Route } from '../domain/route.ts';
import { planCaFileLoads } from './ca-file-plan.ts';

const s = settings({ certDir: '/certs' });
const reencrypt = (name: string, own?: string): Route =>
  route({ name, host: `${name}.com`, to: { kind: 'Service', name, weight: undefined }, tls: routeTls('reencrypt', own ? { destinationCACertificate: own } : {}) });
const model = (routes: Route[], withPods: string[], defaultDestinationCa?: string) =>
  buildConfigModel({ routes, slices: withPods.map((n) => slice(n, ['10.0.0.1'])), settings: s, allowAddress: () => true, defaultCertificate: '', defaultDestinationCa });

describe('planCaFileLoads', () => {
  test("a backend's first servers load its CA once, even when several backends share it (the default CA)", () => {
    const routes = [reencrypt('a'), reencrypt('b'), reencrypt('own', 'OWN CA')];
    const plan = planCaFileLoads(model(routes, [], 'DEFAULT CA\n'), model(routes, ['a', 'b', 'own'], 'DEFAULT CA\n'));
    expect(plan.reasons).toEqual([]);
    expect(plan.commands.map((c) => `${c.kind} ${c.caFile.replace(/-[0-9a-f]{16}-[0-9a-f]{16}\.pem$/, '')}`)).toEqual([
      'new-ssl-ca-file /certs/destca-_default_ca',
      'set-ssl-ca-file /certs/destca-_default_ca',
      'commit-ssl-ca-file /certs/destca-_default_ca',
      'new-ssl-ca-file /certs/destca-default_own',
      'set-ssl-ca-file /certs/destca-default_own',
      'commit-ssl-ca-file /certs/destca-default_own',
    ]);
  });

  test('backends that had servers loaded their CA with them; backends without verification need none', () => {
    const routes = [reencrypt('own', 'OWN CA'), reencrypt('none')];
    expect(planCaFileLoads(model(routes, ['own']), model(routes, ['own', 'none'])).commands).toEqual([]);
  });

  test('a CA too large for the CLI buffer reloads instead', () => {
    const routes = [reencrypt('big', `${'x'.repeat(s.bufSize)}\n`)];
    expect(planCaFileLoads(model(routes, []), model(routes, ['big']))).toEqual({
      commands: [],
      reasons: [{ code: 'ca-file-not-loaded', backend: 'be_secure:default:big', route: 'default/big' }],
    });
  });
});
