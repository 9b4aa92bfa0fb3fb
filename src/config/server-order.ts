import type { BackendModel } from './model.ts';

/** FNV-1a over the seed and the text: cheap, and well enough spread for an order. */
function rank(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * ROUTER_BACKEND_PROCESS_ENDPOINTS=shuffle: upstream shuffles each backend's
 * servers at every render, so that routers of one fleet do not all start
 * round-robin on the same pod. Here the order is drawn from a seed each
 * router picks at start: as random between routers, yet the same at every
 * commit, so an unchanged backend renders unchanged (a new order per commit
 * would rewrite the config for nothing). Servers are diffed by name, never
 * by position, so the order changes nothing else.
 */
export function shuffleServers(backend: BackendModel, seed: number): BackendModel {
  const ranked = backend.servers.map((s) => ({ s, r: rank(seed, s.name) }));
  ranked.sort((a, b) => a.r - b.r || (a.s.name < b.s.name ? -1 : a.s.name > b.s.name ? 1 : 0));
  return { ...backend, servers: ranked.map((x) => x.s) };
}
