import { describe, expect, test } from 'bun:test';
import { route, routeTls } from '../../test/support/fixtures.ts';
import type { RouteHeaderActionSpec } from '../domain/route.ts';
import { routeHeaderActions } from './header-actions.ts';

const set = (name: string, value: string): RouteHeaderActionSpec => ({ name, type: 'Set', value });
const del = (name: string): RouteHeaderActionSpec => ({ name, type: 'Delete', value: '' });
const parse = (request: RouteHeaderActionSpec[], response: RouteHeaderActionSpec[] = [], termination?: string) => {
  const notes: string[] = [];
  const r = route({ name: 'r', httpHeaders: { request, response }, ...(termination ? { tls: routeTls(termination) } : {}) });
  return { actions: routeHeaderActions(r, notes), notes };
};

describe('spec.httpHeaders.actions, checked as the Route API checks them', () => {
  test('Set and Delete in order, samples of the own side only', () => {
    expect(parse([set('X-Host', '%[req.hdr(host)]'), del('X-Debug'), set('X-Literal', "it's 100%% ok")], [set('X-Frame-Options', 'DENY'), del('Server')])).toEqual({
      actions: {
        request: [{ name: 'X-Host', action: 'Set', value: '%[req.hdr(host)]' }, { name: 'X-Debug', action: 'Delete' }, { name: 'X-Literal', action: 'Set', value: "it's 100%% ok" }],
        response: [{ name: 'X-Frame-Options', action: 'Set', value: 'DENY' }, { name: 'Server', action: 'Delete' }],
      },
      notes: [],
    });
  });

  test.each([
    ['a name that is no token', [set('X A', 'v')], 'invalid header name "X A"'],
    ['a name with a line break', [set('X\nhttp-request deny', 'v')], 'invalid header name'],
    ['a reserved name', [del('Cookie')], 'Cookie may not be set or deleted'],
    ['HSTS belongs to its annotation', [set('strict-transport-security', 'max-age=1')], 'may not be set or deleted'],
    ['another action', [{ name: 'X', type: 'Append', value: 'v' }], 'action "Append" is not Set or Delete'],
    ['an empty value', [set('X', '')], 'invalid value ""'],
    ['a line break', [set('X', 'a\n  http-request deny')], 'invalid value'],
    ['another fetcher', [set('X', '%[src]')], 'invalid value "%[src]"'],
    ['the other side', [set('X', '%[res.hdr(server)]')], 'invalid value'],
    ['a lone %', [set('X', '100%')], 'invalid value'],
  ] as const)('%s is ignored and named', (_name, request, note) => {
    const { actions, notes } = parse([...request]);
    expect(actions).toBeUndefined();
    expect(notes).toEqual([expect.stringContaining(note)]);
    expect(notes[0]).toStartWith('spec.httpHeaders.actions.request[0]: ');
  });

  test('more than 20 per direction: the first 20 are kept', () => {
    const { actions, notes } = parse(Array.from({ length: 22 }, (_, i) => del(`X-${i}`)));
    expect(actions?.request).toHaveLength(20);
    expect(notes).toEqual(['spec.httpHeaders.actions.request: more than 20 actions: the rest ignored']);
  });

  test('passthrough routes have none', () => {
    expect(parse([del('X')], [], 'passthrough')).toEqual({ actions: undefined, notes: ['spec.httpHeaders: passthrough routes cannot have header actions: ignored'] });
  });
});
