import { certificatePath } from '../config/certificates.ts';
import type { BackendModel, ConfigModel } from '../config/model.ts';
import { fitsCliBuffer } from './cli-requests.ts';
import { setSslCaFileRequest } from './cli-requests.ts';
import type { CaFileCommand } from './commands.ts';
import { backendReason, type ReloadReason } from './reload-reasons.ts';

/**
 * haproxy loads a destination CA when a server line of the configuration
 * names it, so a reencrypt backend that had no servers at the last load may
 * have a CA file haproxy never read, and `add server ... ca-file` cannot
 * read it then. Before such a backend takes its first servers, its CA is
 * loaded through the runtime API (idempotent: an already loaded CA is
 * replaced by the same contents). A backend that has servers loaded it
 * with them. A CA too large for the CLI buffer (tune.bufsize) reloads.
 * `changed`: the backends of `next` that are not `applied`'s own objects,
 * and the one of `applied` each replaces, when the caller knows them (found
 * by name otherwise).
 */
export function planCaFileLoads(
  applied: ConfigModel,
  next: ConfigModel,
  changed?: { backends: readonly BackendModel[]; before: (b: BackendModel) => BackendModel | undefined },
): { commands: CaFileCommand[]; reasons: ReloadReason[] } {
  const byName = changed ? undefined : new Map(applied.backends.map((b) => [b.name, b]));
  const oldOf = changed?.before ?? ((b: BackendModel) => byName?.get(b.name));
  let pems: Map<string, string> | undefined;
  const pemOf = (caFile: string) => (pems ??= new Map(next.certificates.map((c) => [certificatePath(next.settings.certDir, c), c.pem]))).get(caFile);
  const commands: CaFileCommand[] = [];
  const reasons: ReloadReason[] = [];
  const loading = new Set<string>();
  for (const b of changed?.backends ?? next.backends) {
    if (b.serverTls?.verify !== 'required' || b.servers.length === 0) continue;
    const old = oldOf(b);
    if (!old || old.servers.length > 0) continue;
    const caFile = b.serverTls.caFile;
    if (loading.has(caFile)) continue;
    const pem = pemOf(caFile);
    if (pem === undefined || !fitsCliBuffer(setSslCaFileRequest(caFile, pem), next.settings.bufSize)) {
      reasons.push(backendReason('ca-file-not-loaded', b));
      continue;
    }
    loading.add(caFile);
    commands.push({ kind: 'new-ssl-ca-file', caFile }, { kind: 'set-ssl-ca-file', caFile, pem }, { kind: 'commit-ssl-ca-file', caFile });
  }
  return { commands, reasons };
}
