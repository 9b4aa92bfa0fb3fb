import { describe, expect, test } from 'bun:test';
import { createRoute } from '../../test/support/admission.ts';
import { deepWildcardKeyHost } from './deep-wildcards.ts';
import { routeKeyHost } from './route-contribution.ts';

describe('deep wildcard map keys', () => {
  test.each([
    ['wildcard.example.com', '*.example.com'],
    ['wildcard.a.b.example.com', '*.a.b.example.com'],
  ])('%s is keyed %s', (host, key) => expect(deepWildcardKeyHost(host)).toBe(key));

  test("a Route's wildcard keys on its parent domain, a Gateway API one on *.domain, an exact host on itself", () => {
    const keys = [
      createRoute('a', { host: 'wildcard.example.com', wildcardPolicy: 'Subdomain' }),
      createRoute('b', { host: 'wildcard.example.com', wildcardPolicy: 'Subdomain', deepWildcard: true }),
      createRoute('c', { host: 'www.example.com' }),
    ].map(routeKeyHost);
    expect(keys).toEqual(['.example.com', '*.example.com', 'www.example.com']);
  });
});
