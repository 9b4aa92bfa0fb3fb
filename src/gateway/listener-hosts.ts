/**
 * The names the listeners of a route's Gateways accept, which answer 404
 * when no route serves them (config/host-kinds.ts): every usable HTTP
 * listener's host name, and every HTTPS listener's with a certificate, of
 * each of our Gateways the route is accepted by, as map key hosts (`*.0`
 * for a listener that names none). The routes served through a Gateway
 * carry them, so a listener of that Gateway no route attaches to claims its
 * names too; a Gateway no route is served through claims none.
 */
import { CATCH_ALL_KEY_HOST } from '../config/deep-wildcards.ts';
import { listenerHostsOf } from '../config/host-kinds.ts';
import type { AttachmentContext, ParentAttachment } from './attachment.ts';

export function gatewayListenerHosts(attachments: readonly ParentAttachment[], ctx: Pick<AttachmentContext, 'listeners'>): { http: string[]; https: string[] } {
  const http: string[] = [];
  const https: string[] = [];
  const gateways = new Set(attachments.flatMap((a) => (a.ours && a.accepted.ok ? [a.gateway] : [])));
  for (const gateway of gateways) {
    for (const state of ctx.listeners(gateway) ?? []) {
      if (!state.usable) continue;
      const key = state.listener.hostname || CATCH_ALL_KEY_HOST;
      if (state.serves === 'http') http.push(key);
      else if (state.serves === 'https' && typeof state.certificate === 'object') https.push(key);
    }
  }
  return listenerHostsOf(http, https);
}
