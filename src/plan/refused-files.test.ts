import { describe, expect, test } from 'bun:test';
import { destinationCaFile, servingCertificateFile } from '../config/certificates.ts';
import { refusedRoutes, withoutPaths } from './refused-files.ts';

const longName = ['a'.repeat(63), 'b'.repeat(63), 'c'.repeat(63), 'd'.repeat(61)].join('.');
const shop = servingCertificateFile('PEM A\n').name;
const api = destinationCaFile('PEM B\n').name;
const long = destinationCaFile('PEM C\n').name;
const defaultCa = destinationCaFile('PEM D\n').name;
const KEYS = ['team-a/shop.v2', 'team-b/api', `${'n'.repeat(63)}/${longName}`];
/** The candidate's files: the first route serves `shop` with another route, the others verify with CAs of their own. */
const OWNERS = new Map([
  [shop, ['team-a/shop.v2', 'team-c/shop']],
  [api, ['team-b/api']],
  [long, [KEYS[2]!]],
]);

describe('refusedRoutes', () => {
  test("names the routes whose certificate or CA haproxy could not load, with haproxy's words", () => {
    const output = [
      '[NOTICE]   (1) : haproxy version is 2.6.12-1+deb12u4',
      `[ALERT]    (1) : config : parsing [/w/generations/3/haproxy.config:107] : 'bind unix@/w/run/sni.sock' in section 'frontend' : 'crt-list' : error processing line 1 in file '/w/generations/3/cert_config.map' : unable to load SSL certificate into SSL Context '/w/certs/${shop}'.`,
      `[ALERT]    (1) : config : parsing [/w/generations/3/haproxy.config:140] : 'server pod:x' : unable to load /w/certs/${api}.`,
      `[ALERT]    (1) : config : parsing [/w/generations/3/haproxy.config:150] : unable to load '/w/certs/${long}'.`,
      '[ALERT]    (1) : config : Error(s) found in configuration file : /w/generations/3/haproxy.config',
    ];
    expect(refusedRoutes(output, OWNERS)).toEqual(
      new Map([
        ['team-a/shop.v2', 'unable to load SSL certificate into SSL Context'],
        ['team-c/shop', 'unable to load SSL certificate into SSL Context'],
        ['team-b/api', `unable to load /w/certs/${api}`],
        [KEYS[2]!, 'unable to load'],
      ]),
    );
  });

  test('lines that name no route file of the candidate, and warnings, name nothing', () => {
    const output = [
      `[WARNING]  (1) : ${shop} is odd`,
      '[ALERT]    (1) : config : missing timeouts',
      `[ALERT]    (1) : config : unable to load /w/certs/${defaultCa}`,
      `[ALERT]    (1) : config : unable to load /w/certs/${shop}`,
    ];
    expect(refusedRoutes(output, new Map([[api, ['team-b/api']]]))).toEqual(new Map());
  });
});

describe('withoutPaths', () => {
  test.each([
    ['unable to load /var/lib/router/certs/cert-a-1-2.pem.', 'unable to load cert-a-1-2.pem.'],
    ["parsing [/w/generations/3/haproxy.config:107] : 'bind unix@/w/run/sni.sock'", "parsing [haproxy.config:107] : 'bind unix@sni.sock'"],
    ['in file "/etc/ssl/x.pem" (/tmp/a/b)', 'in file "x.pem" (b)'],
    ['ca-file=/srv/ca.pem,crt=/srv/c.pem', 'ca-file=ca.pem,crt=c.pem'],
    ['no paths here: a/b and 1/2 stay', 'no paths here: a/b and 1/2 stay'],
    ['/', ''],
  ])('%j -> %j', (text, want) => {
    expect(withoutPaths(text)).toBe(want);
  });
});
