import { describe, expect, test } from 'bun:test';
import { route, routeTls, settings, slice } from '../../test/support/fixtures.ts';
import { buildConfigModel } from '../config/build-model.ts';
import { destinationCaFile } from '../config/certificates.ts';
import type { Route } from '../domain/route.ts';
import { planCaFileLoads } from './ca-file-plan.ts';

const s = settings({ certDir: '/certs' });
const reencrypt = (name: string, own?: string): Route =>
  route({ name, host: `${name}.com`, to: { kind: 'Service', name, weight: undefined }, tls: routeTls('reencrypt', own ? { destinationCACertificate: own } : {}) });
const model = (routes: Route[], withPods: string[], defaultDestinationCa?: string) =>
  buildConfigModel({ routes, slices: withPods.map((n) => slice(n, ['10.0.0.1'])), settings: s, allowAddress: () => true, defaultCertificate: '', defaultDestinationCa });

describe('planCaFileLoads', () => {
  test("a backend's first servers load its CA once, even when several backends share it (the default CA, or routes' own of the same content)", () => {
    const routes = [reencrypt('a'), reencrypt('b'), reencrypt('own', 'OWN CA'), reencrypt('twin', 'OWN CA')];
    const plan = planCaFileLoads(model(routes, [], 'DEFAULT CA\n'), model(routes, ['a', 'b', 'own', 'twin'], 'DEFAULT CA\n'));
    expect(plan.reasons).toEqual([]);
    const defaultCa = `/certs/${destinationCaFile('DEFAULT CA\n').name}`;
    const own = `/certs/${destinationCaFile('OWN CA\n').name}`;
    expect(plan.commands.map((c) => `${c.kind} ${c.caFile}`)).toEqual([
      `new-ssl-ca-file ${defaultCa}`,
      `set-ssl-ca-file ${defaultCa}`,
      `commit-ssl-ca-file ${defaultCa}`,
      `new-ssl-ca-file ${own}`,
      `set-ssl-ca-file ${own}`,
      `commit-ssl-ca-file ${own}`,
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
