import { describe, expect, test } from 'bun:test';
import { expandHostnameTemplate, resolveHost } from './resolve-host.ts';
import type { AdmissionSettings } from './settings.ts';
import { admissionSettings, createRoute, type RouteSpec } from '../../test/support/admission.ts';

describe('expandHostnameTemplate', () => {
  const route = { name: 'web', namespace: 'shop' };
  const cases: [string, string | undefined][] = [
    ['${name}-${namespace}.apps.example.com', 'web-shop.apps.example.com'],
    ['$name.$namespace.example.com', 'web.shop.example.com'],
    ['${name}${namespace}.example.com', 'webshop.example.com'],
    ['static.example.com', 'static.example.com'],
    ['${name}-${cluster}.example.com', undefined],
    ['$1.example.com', undefined],
    ['${1}.example.com', undefined],
    ['$-.example.com', undefined],
    // os.Expand: a lone `$` stays, bad brace syntax is eaten.
    ['${name}.example.com$', 'web.example.com$'],
    ['a$.${name}.example.com', 'a$.web.example.com'],
    ['${}${name}.example.com', 'web.example.com'],
    ['${name.example.com', 'name.example.com'],
  ];
  for (const [template, expected] of cases) {
    test(template, () => expect(expandHostnameTemplate(template, route)).toBe(expected));
  }
});

describe('resolveHost', () => {
  const template = '${name}-${namespace}.apps.example.com';
  const cases: [string, RouteSpec, Partial<AdmissionSettings>, string][] = [
    ['host as written', { host: 'a.example.com' }, {}, 'a.example.com'],
    ['no host, no settings', { host: '' }, {}, ''],
    ['subdomain + router domain', { host: '', subdomain: 'shop' }, { routerDomain: 'apps.example.com' }, 'shop.apps.example.com'],
    ['subdomain without router domain', { host: '', subdomain: 'shop' }, {}, ''],
    ['subdomain ignored when host set', { host: 'a.example.com', subdomain: 'shop' }, { routerDomain: 'apps.example.com' }, 'a.example.com'],
    ['template fills an empty host', { host: '' }, { hostnameTemplate: template }, 'web-team.apps.example.com'],
    ['template leaves a set host alone', { host: 'a.example.com' }, { hostnameTemplate: template }, 'a.example.com'],
    ['subdomain wins over the template', { host: '', subdomain: 'shop' }, { routerDomain: 'apps.example.com', hostnameTemplate: template }, 'shop.apps.example.com'],
    ['override rewrites a set host', { host: 'a.example.com' }, { hostnameTemplate: template, overrideHostname: true }, 'web-team.apps.example.com'],
    ['override without template does nothing', { host: 'a.example.com' }, { overrideHostname: true }, 'a.example.com'],
    ['override domain rewrites a matching host', { host: 'a.old.example.com' }, { hostnameTemplate: template, overrideDomains: ['old.example.com'] }, 'web-team.apps.example.com'],
    ['override domain matches the domain itself', { host: 'old.example.com' }, { hostnameTemplate: template, overrideDomains: ['old.example.com'] }, 'web-team.apps.example.com'],
    ['override domain leaves other hosts', { host: 'a.new.example.com' }, { hostnameTemplate: template, overrideDomains: ['old.example.com'] }, 'a.new.example.com'],
    ['override domain is not a string suffix', { host: 'a.bold.example.com' }, { hostnameTemplate: template, overrideDomains: ['old.example.com'] }, 'a.bold.example.com'],
    ['unknown key ignores the template', { host: '' }, { hostnameTemplate: '${name}.${zone}.example.com' }, ''],
    ['unknown key keeps the written host under override', { host: 'a.example.com' }, { hostnameTemplate: '${zone}.example.com', overrideHostname: true }, 'a.example.com'],
    ['surrounding quotes are stripped', { host: '' }, { hostnameTemplate: `"'${template}'"` }, 'web-team.apps.example.com'],
    ['empty template is no template', { host: '' }, { hostnameTemplate: '' }, ''],
  ];
  for (const [name, spec, settings, expected] of cases) {
    test(name, () => {
      expect(resolveHost(createRoute('team/web', spec), admissionSettings(settings))).toBe(expected);
    });
  }
});
