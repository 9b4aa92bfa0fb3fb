import { describe, expect, test } from 'bun:test';
import type { BackendModel } from './model.ts';
import { shuffleServers } from './server-order.ts';

const servers = Array.from({ length: 12 }, (_, i) => ({ name: `ept:a:http:10.0.0.${i + 1}:8080`, ip: `10.0.0.${i + 1}`, port: 8080, weight: 1 }));
const backend = { name: 'be_http:default:a', servers } as BackendModel;
const names = (b: BackendModel) => b.servers.map((s) => s.name);

describe('shuffleServers (ROUTER_BACKEND_PROCESS_ENDPOINTS=shuffle)', () => {
  test('every server, once, in an order other than upstream\'s', () => {
    const shuffled = names(shuffleServers(backend, 1));
    expect([...shuffled].sort()).toEqual([...names(backend)].sort());
    expect(shuffled).not.toEqual(names(backend));
  });

  test('the same seed gives the same order at every commit; routers with other seeds differ', () => {
    expect(names(shuffleServers(backend, 42))).toEqual(names(shuffleServers(backend, 42)));
    const orders = new Set([1, 2, 3, 4, 5].map((seed) => names(shuffleServers(backend, seed)).join()));
    expect(orders.size).toBe(5);
  });

  test('a server coming or going leaves the others in their order', () => {
    const fewer = { ...backend, servers: servers.slice(1) };
    expect(names(shuffleServers(fewer, 9))).toEqual(names(shuffleServers(backend, 9)).filter((n) => n !== servers[0]?.name));
  });
});
