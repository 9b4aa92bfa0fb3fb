import { describe, expect, test } from 'bun:test';
import type { RejectionReason } from './rejection.ts';
import { createRoute, expectVerdict, type RouteSpec } from '../../test/support/admission.ts';
import { ingressRouteName } from '../domain/names.ts';
import { validateNames, validatePath, validateRouteFields } from './validate-route.ts';

describe('validatePath', () => {
  const cases: [string, string, RejectionReason | undefined][] = [
    ['no path', '', undefined],
    ['root', '/', undefined],
    ['nested', '/a/b/', undefined],
    ['percent is served as written', '/a%20b', undefined],
    ['without slash', 'foo', 'ExtendedValidationFailed'],
    ['space', '/a b', 'ExtendedValidationFailed'],
    ['newline', '/a\nb', 'ExtendedValidationFailed'],
    ['#', '/a#b', 'ExtendedValidationFailed'],
    ['query mark (the path haproxy matches ends before it)', '/a?b', 'ExtendedValidationFailed'],
    ['regex metacharacters are served as written', '/a.b(c)[d]{e}*+^$|', undefined],
    ['quote', "/a'b", 'ExtendedValidationFailed'],
    ['backslash', '/a\\b', 'ExtendedValidationFailed'],
    ['tab', '/a\tb', 'ExtendedValidationFailed'],
    ['DEL', '/a\x7fb', 'ExtendedValidationFailed'],
    ['non-ASCII letter (clients send it percent-encoded)', '/caf\u00e9', 'ExtendedValidationFailed'],
    ['C1 control NEL', '/a\u0085b', 'ExtendedValidationFailed'],
    ['no-break space', '/a\u00a0b', 'ExtendedValidationFailed'],
    ['line separator', '/a\u2028b', 'ExtendedValidationFailed'],
    ['emoji', '/\u{1f600}', 'ExtendedValidationFailed'],
    ['the percent-encoded form is served', '/caf%C3%A9', undefined],
    ['every visible ASCII character but the refused ones', `/${Array.from({ length: 94 }, (_, i) => String.fromCharCode(0x21 + i)).join('').replace(/[#?"'\\]/g, '')}`, undefined],
    ['too long', `/${'a'.repeat(2048)}`, 'ExtendedValidationFailed'],
  ];
  for (const [name, path, reason] of cases) test(name, () => expectVerdict(validatePath(path), reason));
});

describe('validateRouteFields', () => {
  const cases: [string, RouteSpec, string | undefined][] = [
    ['plain route', {}, undefined],
    ['bad namespace', { namespace: 'Bad_NS' }, 'metadata.namespace: Invalid value: "Bad_NS"'],
    ['bad name', { name: 'a b', to: { kind: 'Service', name: 'web', weight: undefined } }, 'metadata.name: Invalid value: "a b"'],
    ['bad service name', { to: { kind: 'Service', name: 'x y', weight: 1 } }, 'spec.to.name: Invalid value: "x y"'],
    ['non-service target', { to: { kind: 'Pod', name: 'x', weight: 1 } }, 'spec.to.kind: Unsupported value: "Pod": supported values: "Service"'],
    [
      'several name errors are aggregated',
      { alternateBackends: [{ kind: 'Pod', name: 'X', weight: 1 }] },
      '[spec.alternateBackends[0].kind: Unsupported value: "Pod": supported values: "Service", spec.alternateBackends[0].name: Invalid value: "X"]',
    ],
    ['path is checked', { path: 'foo' }, 'spec.path: Invalid value: "foo": path must begin with /'],
    ['TLS fields are checked', { tls: 'none' }, 'spec.tls.termination: Unsupported value: "none": supported values: "edge", "passthrough", "reencrypt"'],
    ['names come first', { namespace: 'Bad_NS', path: 'foo' }, 'metadata.namespace: Invalid value: "Bad_NS"'],
    ['request conditions that are safe to serve', { requestMatch: { method: 'GET', headers: [{ name: 'x', value: `'} $HOME` }], query: [{ name: 'q', value: 'v' }], order: 0 } }, undefined],
    ...[
      { method: 'get', headers: [], query: [] },
      { method: undefined, headers: [{ name: "x'", value: 'v' }], query: [] },
      { method: undefined, headers: [], query: [{ name: 'q', value: 'a\nb' }] },
      { method: undefined, headers: [], query: [{ name: 'q', value: 'v'.repeat(1025) }] },
    ].map((m, i): [string, RouteSpec, string] => [`request conditions that slipped past their source ${i}`, { requestMatch: { ...m, order: 0 } }, 'request match: a method, header or query parameter name or value that cannot be served']),
    ['the name of a route generated from an Ingress', { name: ingressRouteName('web', 'web.example.com /'), to: { kind: 'Service', name: 'web', weight: undefined } }, undefined],
    ['a name that only looks generated', { name: 'web_ingress_0123', to: { kind: 'Service', name: 'web', weight: undefined } }, 'metadata.name: Invalid value: "web_ingress_0123"'],
  ];
  // As the admission chain runs them: names, then the other fields.
  const checkFields = (route: ReturnType<typeof createRoute>) => {
    const names = validateNames(route);
    return names.ok ? validateRouteFields(route) : names;
  };
  for (const [name, spec, message] of cases) {
    test(name, () => expectVerdict(checkFields(createRoute('web', spec)), message === undefined ? undefined : 'ExtendedValidationFailed', message));
  }

  test('messages quote user text on one bounded line', () => {
    const verdict = validateRouteFields(createRoute('web', { path: `/a\n${'b'.repeat(500)}` }));
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) {
      expect(verdict.message).not.toContain('\n');
      expect(verdict.message.length).toBeLessThan(300);
    }
  });
});
