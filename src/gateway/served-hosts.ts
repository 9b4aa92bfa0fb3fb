/**
 * The host names a route's attachments serve, and how: over plain HTTP
 * (an HTTP listener), terminated with a listener's certificate (HTTPS, the
 * first listener's certificate when several serve the host), or passed
 * through by SNI (TLS). A listener and a route that both leave the host
 * name open serve every host no other route serves ("", the catch-all),
 * over HTTP and over HTTPS (with the listener's certificate, see
 * config/sni-frontends.ts), not passed through: passthrough picks a
 * backend by SNI alone, before anything says who else serves that name.
 */
import type { ParentAttachment } from './attachment.ts';

export interface HostServing {
  hostname: string;
  http: boolean;
  https: { cert: string; key: string } | undefined;
  passthrough: boolean;
}

export interface ServedHosts {
  hosts: Map<string, HostServing>;
  /** The host names each parentRef serves (by parentRef index). */
  byParent: Set<string>[];
  /** What is not served, for the status (`Accepted` keeps its verdict: the spec's reasons do not cover these). */
  notes: string[][];
  /** A certificate waits for its Secret to be read: its hosts' HTTPS part is left out for now. */
  pending: boolean;
}

const EVERY_HOST_PASSTHROUGH = 'neither the listener nor the route names a hostname: every host is not passed through';

export function servedHosts(attachments: readonly ParentAttachment[]): ServedHosts {
  const out: ServedHosts = { hosts: new Map(), byParent: [], notes: [], pending: false };
  for (const attachment of attachments) {
    const mine = new Set<string>();
    const notes = new Set<string>();
    out.byParent.push(mine);
    out.notes.push([]);
    if (!attachment.ours || !attachment.accepted.ok) continue;
    for (const { state, hostnames } of attachment.listeners) {
      for (const hostname of hostnames) {
        if (hostname === '' && state.serves === 'passthrough') {
          notes.add(`listener ${state.listener.name}: ${EVERY_HOST_PASSTHROUGH}`);
          continue;
        }
        const serving = out.hosts.get(hostname) ?? { hostname, http: false, https: undefined, passthrough: false };
        if (state.serves === 'http') serving.http = true;
        else if (state.serves === 'passthrough') serving.passthrough = true;
        else if (state.certificate === 'pending') out.pending = true;
        else if (state.certificate === undefined) {
          notes.add(`listener ${state.listener.name} has no usable certificate: HTTPS to ${hostname} is not served`);
          continue;
        } else serving.https ??= state.certificate;
        out.hosts.set(hostname, serving);
        mine.add(hostname);
      }
    }
    out.notes[out.notes.length - 1] = [...notes];
  }
  return out;
}
