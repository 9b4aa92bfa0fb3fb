import { describe, expect, test } from 'bun:test';
import { route, routeMap, routeTls } from '../../test/support/fixtures.ts';
import { certificateFile } from '../config/certificates.ts';
import { applyQuarantine, quarantineRefused } from './quarantine.ts';

const good = route({ name: 'good', tls: routeTls('edge', { certificate: 'A' }) });
const bad = route({ name: 'bad', tls: routeTls('edge', { certificate: 'B' }) });
const alert = (file: string) => `[ALERT]    (1) : config : parsing [/w/conf/cert_config.map:1] : 'ssl' : unable to load certificate '/w/certs/${file}'.`;
const refusedBad = [alert(certificateFile('cert', 'default', 'bad', 'B').name)];

describe('quarantine', () => {
  test('a route haproxy refused is kept out with haproxy\'s words, without the router\'s paths', () => {
    const { quarantine, added } = quarantineRefused(new Map(), refusedBad, new Map([['default/bad', bad], ['default/good', good]]));
    expect(added).toEqual(['default/bad']);
    const rejection = quarantine.get('default/bad')?.rejection;
    expect(rejection?.reason).toBe('ExtendedValidationFailed');
    expect(rejection?.message).not.toContain('/w/');
    expect([...applyQuarantine(quarantine, routeMap(good, bad)).held.keys()]).toEqual(['default/bad']);
  });

  test('refused again with nothing new to quarantine: nothing added, so the caller stops retrying', () => {
    const first = quarantineRefused(new Map(), refusedBad, new Map([['default/bad', bad]]));
    expect(quarantineRefused(first.quarantine, refusedBad, new Map()).added).toEqual([]);
    expect(quarantineRefused(new Map(), ['[ALERT] something else entirely'], new Map([['default/bad', bad]])).added).toEqual([]);
  });

  test('a route whose TLS changed is tried again; a deleted route is forgotten', () => {
    const { quarantine } = quarantineRefused(new Map(), refusedBad, new Map([['default/bad', bad]]));
    const fixed = { ...bad, tls: routeTls('edge', { certificate: 'C' }) };
    const retried = applyQuarantine(quarantine, routeMap(good, fixed));
    expect(retried.held.size).toBe(0);
    expect(retried.quarantine.size).toBe(0);
    expect(applyQuarantine(quarantine, routeMap(good)).quarantine.size).toBe(0);
  });

  test('an unchanged quarantine is returned as is', () => {
    const { quarantine } = quarantineRefused(new Map(), refusedBad, new Map([['default/bad', bad]]));
    expect(applyQuarantine(quarantine, routeMap(good, bad)).quarantine).toBe(quarantine);
  });
});
