import { describe, expect, test } from 'bun:test';
import { refusedRoutes } from './refused-files.ts';

describe('refusedRoutes', () => {
  test("names the routes whose certificate or CA haproxy could not load, with haproxy's words minus paths", () => {
    const output = [
      '[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u4',
      "[ALERT]    (1) : config : parsing [/w/generations/3/haproxy.config:107] : 'bind unix@/w/run/sni.sock' in section 'frontend' : 'crt-list' : error processing line 1 in file '/w/generations/3/cert_config.map' : unable to load SSL certificate into SSL Context '/w/certs/cert-team-a_shop.v2-0123456789abcdef.pem'.",
      "[ALERT]    (1) : config : parsing [/w/generations/3/haproxy.config:140] : 'server pod:x' : unable to load /w/certs/destca-team-b_api-fedcba9876543210.pem.",
      '[ALERT]    (1) : config : Error(s) found in configuration file : /w/generations/3/haproxy.config',
    ];
    expect(refusedRoutes(output)).toEqual(
      new Map([
        ['team-a/shop.v2', 'unable to load SSL certificate into SSL Context'],
        ['team-b/api', 'unable to load destca-team-b_api-fedcba9876543210.pem'],
      ]),
    );
  });

  test('lines that name no route file, and warnings, name nothing', () => {
    expect(refusedRoutes(['[WARNING]  (1) : cert-a_b-0123456789abcdef.pem is odd', '[ALERT]    (1) : config : missing timeouts'])).toEqual(new Map());
  });
});
