import { describe, expect, test } from 'bun:test';
import { route, routeMap, routeTls } from '../../test/support/fixtures.ts';
import { ownDestinationCa, servingCertificate } from '../config/route-contribution.ts';
import type { Route } from '../domain/route.ts';
import { applyQuarantine, quarantineRefused, quarantineUnwritten, type Candidates } from './quarantine.ts';

const good = route({ name: 'good', tls: routeTls('edge', { certificate: 'A' }) });
const bad = route({ name: 'bad', tls: routeTls('edge', { certificate: 'B' }) });
const alert = (file: string) => `[ALERT]    (1) : config : parsing [/w/conf/cert_config.map:1] : 'ssl' : unable to load certificate '/w/certs/${file}'.`;
const refusedBad = [alert(servingCertificate(bad)?.name ?? '')];
/** The routes a commit read, all of them admitted. */
const read = (...routes: Route[]): Candidates => ({ routes: new Map(routes.map((r) => [`${r.namespace}/${r.name}`, r])), admitted: routes });

describe('quarantine', () => {
  test('a route haproxy refused is kept out with haproxy\'s words, without the router\'s paths', () => {
    const { quarantine, added } = quarantineRefused(new Map(), refusedBad, read(bad, good));
    expect(added).toEqual(['default/bad']);
    const rejection = quarantine.get('default/bad')?.rejection;
    expect(rejection?.reason).toBe('ExtendedValidationFailed');
    expect(rejection?.message).not.toContain('/w/');
    expect([...applyQuarantine(quarantine, routeMap(good, bad)).held.keys()]).toEqual(['default/bad']);
  });

  test('refused again with nothing new to quarantine: nothing added, so the caller stops retrying', () => {
    const first = quarantineRefused(new Map(), refusedBad, read(bad));
    expect(quarantineRefused(first.quarantine, refusedBad, read()).added).toEqual([]);
    expect(quarantineRefused(new Map(), ['[ALERT] something else entirely'], read(bad)).added).toEqual([]);
  });

  test('a certificate file several routes serve: haproxy refusing it keeps out every one of them, and no other', () => {
    const twin = route({ name: 'twin', namespace: 'other', tls: bad.tls });
    expect(quarantineRefused(new Map(), refusedBad, read(good, bad, twin)).added).toEqual(['default/bad', 'other/twin']);
    const unwritten = quarantineUnwritten(new Map(), [{ name: servingCertificate(bad)?.name ?? '', code: 'EACCES' }], read(good, bad, twin));
    expect(unwritten.added).toEqual(['default/bad', 'other/twin']);
    expect(unwritten.unknown).toEqual([]);
    expect(quarantineUnwritten(new Map(), [{ name: 'cert-unknown.pem', code: 'EACCES' }], read(good)).unknown).toEqual([{ name: 'cert-unknown.pem', code: 'EACCES' }]);
  });

  test('a destination CA several routes verify with: haproxy refusing it keeps out every one of them, and no other', () => {
    const reencrypt = (name: string, namespace: string, ca: string) => route({ name, namespace, tls: routeTls('reencrypt', { destinationCACertificate: ca }) });
    const a = reencrypt('a', 'team-a', 'SHARED CA');
    const b = reencrypt('b', 'team-b', 'SHARED CA');
    const other = reencrypt('c', 'team-a', 'OTHER CA');
    const refused = [alert(ownDestinationCa(a)?.name ?? '')];
    expect(ownDestinationCa(a)?.name).toBe(ownDestinationCa(b)?.name ?? '');
    expect(quarantineRefused(new Map(), refused, read(a, b, other, good)).added).toEqual(['team-a/a', 'team-b/b']);
  });

  test('a route whose TLS changed is tried again; a deleted route is forgotten', () => {
    const { quarantine } = quarantineRefused(new Map(), refusedBad, read(bad));
    const fixed = { ...bad, tls: routeTls('edge', { certificate: 'C' }) };
    const retried = applyQuarantine(quarantine, routeMap(good, fixed));
    expect(retried.held.size).toBe(0);
    expect(retried.quarantine.size).toBe(0);
    expect(applyQuarantine(quarantine, routeMap(good)).quarantine.size).toBe(0);
  });

  test('an unchanged quarantine is returned as is', () => {
    const { quarantine } = quarantineRefused(new Map(), refusedBad, read(bad));
    expect(applyQuarantine(quarantine, routeMap(good, bad)).quarantine).toBe(quarantine);
  });
});
