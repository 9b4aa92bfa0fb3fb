import { expect, test } from 'bun:test';
import { gatewayRouteName } from '../domain/names.ts';
import { readableMessage } from './route-status.ts';

test("admission's messages name the Gateway API routes, not the routes generated from them", () => {
  const name = gatewayRouteName('HTTPRoute', 'shop', 'web', 'a.example.com');
  expect(readableMessage(`route ${name} already exposes a.example.com and is older`)).toBe('HTTPRoute web already exposes a.example.com and is older');
  expect(readableMessage(`a route in another namespace holds a.example.com and is older than ${gatewayRouteName('TLSRoute', 'shop', 'db', 'x')}`)).toBe(
    'a route in another namespace holds a.example.com and is older than TLSRoute db',
  );
});
