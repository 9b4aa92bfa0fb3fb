/**
 * The names the listeners of a route's Gateways accept, which answer 404
 * when no route serves them (config/host-kinds.ts): every usable HTTP
 * listener's host name, and every HTTPS listener's with a certificate, of
 * each of our Gateways the route is accepted by, as map key hosts (`*.0`
 * for a listener that names none). The routes served through a Gateway
 * carry them, so a listener of that Gateway no route attaches to claims its
 * names too; a Gateway no route is served through claims none, but the names
 * its listeners give exactly, which the routes of any wildcard or hostless
 * listener over them carry (config/host-kinds.ts makes them `listener`'s).
 */
import { CATCH_ALL_KEY_HOST } from '../config/deep-wildcards.ts';
import { listenerHostsOf } from '../config/host-kinds.ts';
import type { AttachmentContext, ParentAttachment } from './attachment.ts';
import { intersectHostnames, isWildcard } from './hostnames.ts';

export function gatewayListenerHosts(attachments: readonly ParentAttachment[], ctx: Pick<AttachmentContext, 'listeners' | 'exactListenerHosts'>): { http: string[]; https: string[] } {
  const http: string[] = [];
  const https: string[] = [];
  const gateways = new Set(attachments.flatMap((a) => (a.ours && a.accepted.ok ? [a.gateway] : [])));
  for (const gateway of gateways) {
    for (const state of ctx.listeners(gateway) ?? []) {
      if (!state.usable) continue;
      const hostname = state.listener.hostname;
      const own = state.serves === 'http' ? http : state.serves === 'https' && typeof state.certificate === 'object' ? https : undefined;
      own?.push(hostname || CATCH_ALL_KEY_HOST);
      // A passthrough listener's names are not the TLS frontends' to answer: only the exact names under it are carried.
      const side = own ?? (state.serves === 'passthrough' ? https : undefined);
      if (!side) continue;
      // A wildcard or hostless listener also carries the names other listeners on its port name exactly under it (of
      // any of our Gateways, routes or none): they are those listeners', which its routes must not fill in.
      if (hostname !== '' && !isWildcard(hostname)) continue;
      for (const exact of ctx.exactListenerHosts?.(state.serves ?? 'http') ?? []) if (hostname === '' || intersectHostnames(hostname, exact) === exact) side.push(exact);
    }
  }
  return listenerHostsOf(http, https);
}
