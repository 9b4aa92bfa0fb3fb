import { describe, expect, test } from 'bun:test';
import { admitHost } from './host-admitter.ts';
import type { RejectionReason } from './rejection.ts';
import { hostInDomainList, type AdmissionSettings } from './settings.ts';
import { admissionSettings, createRoute, expectVerdict, type RouteSpec } from '../../test/support/admission.ts';

describe('hostInDomainList', () => {
  const cases: [string, string[], boolean][] = [
    ['a.b.example.com', ['a.b.example.com'], true],
    ['a.b.example.com', ['b.example.com'], true],
    ['a.b.example.com', ['example.com'], true],
    ['a.b.example.com', ['com'], true],
    ['a.b.example.com', ['ample.com'], false],
    ['a.b.example.com', ['c.example.com'], false],
    ['example.com', ['a.example.com'], false],
    ['.example.com', ['example.com'], false],
    ['a.example.com', [], false],
  ];
  for (const [host, domains, expected] of cases) {
    test(`${host} in [${domains.join(',')}]`, () => expect(hostInDomainList(host, domains)).toBe(expected));
  }
});

describe('admitHost', () => {
  const lists = { deniedDomains: ['bad.example.com'], allowedDomains: ['example.com'] };
  const cases: [string, RouteSpec, Partial<AdmissionSettings>, RejectionReason | undefined, string?][] = [
    ['no lists', { host: 'a.example.org' }, {}, undefined],
    ['denied domain', { host: 'x.bad.example.com' }, { deniedDomains: ['bad.example.com'] }, 'RouteNotAdmitted', 'host in list of denied domains'],
    ['denied host itself', { host: 'bad.example.com' }, { deniedDomains: ['bad.example.com'] }, 'RouteNotAdmitted', 'host in list of denied domains'],
    ['denied wins over allowed', { host: 'x.bad.example.com' }, lists, 'RouteNotAdmitted', 'host in list of denied domains'],
    ['allowed parent domain', { host: 'x.good.example.com' }, lists, undefined],
    ['outside the allowed list', { host: 'x.example.org' }, lists, 'RouteNotAdmitted', 'host not in the allowed list of domains'],
    ['empty host skips the lists', { host: '' }, lists, undefined],
    ['wildcard policy None', { wildcardPolicy: 'None' }, {}, undefined],
    ['empty wildcard policy means None', { wildcardPolicy: '' }, {}, undefined],
    ['Subdomain when not allowed', { wildcardPolicy: 'Subdomain' }, {}, 'RouteNotAdmitted', 'wildcard routes are not allowed'],
    ['Subdomain when allowed', { wildcardPolicy: 'Subdomain' }, { allowWildcardRoutes: true }, undefined],
    ['a Gateway API wildcard needs no --allow-wildcard-routes', { wildcardPolicy: 'Subdomain', deepWildcard: true }, {}, undefined],
    ['unknown policy', { wildcardPolicy: 'All' }, { allowWildcardRoutes: true }, 'RouteNotAdmitted', 'unknown wildcard policy "All"'],
    ['unknown policy is quoted on one line', { wildcardPolicy: 'x\ny' }, {}, 'RouteNotAdmitted', 'unknown wildcard policy "x\\ny"'],
    ['domain lists come before the wildcard policy', { host: 'x.example.org', wildcardPolicy: 'Subdomain' }, lists, 'RouteNotAdmitted', 'host not in the allowed list of domains'],
    ['Subdomain on a host without a parent domain', { host: 'localhost', wildcardPolicy: 'Subdomain' }, { allowWildcardRoutes: true }, 'RouteNotAdmitted', 'wildcard routes need a host with a parent domain'],
    ['Subdomain without host still needs permission', { host: '', wildcardPolicy: 'Subdomain' }, {}, 'RouteNotAdmitted', 'wildcard routes are not allowed'],
  ];
  for (const [name, spec, settings, reason, message] of cases) {
    test(name, () => expectVerdict(admitHost(createRoute('web', spec), admissionSettings(settings)), reason, message));
  }
});
