/**
 * The runtime-API commands the router sends to a haproxy worker, as data,
 * and the one place that turns them into CLI requests and judges haproxy's
 * replies (texts verified against haproxy 2.6.12).
 */
import type { CrtListEntry } from '../../config/model.ts';
import { serverKey, type ServerRef } from '../../domain/names.ts';
import type { CliRequest } from './cli-session.ts';
import { crtListLine } from '../../config/crt-list.ts';

/** A command that changes one server of a running backend. */
export type ServerCommand =
  /** Registers a server in maintenance, with health checks off, whatever its options say. */
  | (ServerRef & { kind: 'add-server'; address: string; options: string })
  | (ServerRef & { kind: 'enable-server' })
  | (ServerRef & { kind: 'enable-health' })
  | (ServerRef & { kind: 'disable-health' })
  | (ServerRef & { kind: 'set-weight'; weight: number })
  /** No new traffic; requests in flight finish. `del-server` accepts only servers in this state. */
  | (ServerRef & { kind: 'set-maint' })
  /** Out of load balancing but not in maintenance: the way out of maint that makes entering it again close idle connections. */
  | (ServerRef & { kind: 'set-drain' })
  | (ServerRef & { kind: 'del-server' });

/**
 * A command on a running backend's sticky cookies. Either one recomputes the
 * dynamic cookie of every server in the backend; `add server` computes none
 * (2.6), so one follows the servers it adds, before they leave maintenance.
 */
export type CookieCommand =
  | { kind: 'set-dynamic-cookie-key'; backend: string; key: string }
  | { kind: 'enable-dynamic-cookie'; backend: string };

/**
 * A command that changes which certificates the TLS frontend serves.
 * `certFile`, the file's absolute path, is the certificate's name in
 * haproxy, as the crt-list line gives it. haproxy 2.6 holds one certificate
 * transaction at a time, so a certificate is created, set and committed in
 * a row before the next one.
 */
export type CertificateCommand =
  /** Registers an empty certificate under the name. */
  | { kind: 'new-ssl-cert'; certFile: string }
  /** Opens the transaction that fills it; `pem` is key, certificate and chain, as the file holds them. */
  | { kind: 'set-ssl-cert'; certFile: string; pem: string }
  | { kind: 'commit-ssl-cert'; certFile: string }
  /** Appends the entry's line to the crt-list: from then on its SNI is served with that certificate. */
  | { kind: 'add-crt-list'; crtList: string; entry: CrtListEntry }
  /** Removes the certificate's line: its SNI falls back to the default certificate. */
  | { kind: 'del-crt-list'; crtList: string; certFile: string }
  /** Forgets a certificate no crt-list line uses any more. */
  | { kind: 'del-ssl-cert'; certFile: string };

/**
 * A command that changes one entry of a routing map (`map` / `map_beg`
 * lookups see it at once). Each is atomic on its own; planners order them so
 * that no request finds an entry missing that both maps should have.
 */
export type MapCommand =
  | { kind: 'add-map'; map: string; key: string; value: string }
  | { kind: 'set-map'; map: string; key: string; value: string }
  | { kind: 'del-map'; map: string; key: string };

/**
 * Loads a CA file into haproxy's store under its path: haproxy reads a CA
 * file only when a server line of the configuration names it, and `add
 * server ... ca-file` cannot read one from disk. Created, set and committed
 * in a row, as certificates are (one transaction at a time).
 */
export type CaFileCommand =
  /** Registers an empty CA file; one already there is fine (the set and commit that follow replace its contents). */
  | { kind: 'new-ssl-ca-file'; caFile: string }
  | { kind: 'set-ssl-ca-file'; caFile: string; pem: string }
  | { kind: 'commit-ssl-ca-file'; caFile: string };

/**
 * A command that changes one entry of an ACL file a backend matches clients
 * against (an allowlist). Entries are added before the ones that leave are
 * deleted, so a client allowed both before and after is never refused.
 */
export type AclCommand = { kind: 'add-acl'; acl: string; value: string } | { kind: 'del-acl'; acl: string; value: string };

/** A command for a running worker; see commandRequest for its haproxy form. */
export type RuntimeCommand = ServerCommand | CookieCommand | CertificateCommand | CaFileCommand | MapCommand | AclCommand;

/** The only non-empty replies a successful command gives. */
const SERVER_ADDED_REPLY = 'New server registered.';
const SERVER_DELETED_REPLY = 'Server deleted.';
/**
 * `del server` on a server in maintenance that still has a request in flight,
 * or an idle connection to the server such a request left behind after the
 * server entered maintenance (haproxy 2.6 has no command that waits for it).
 */
export const SERVER_BUSY_REPLY = 'Server still has connections attached to it, cannot remove it.';

/**
 * ok: done. busy: a `del-server` that has to be retried once the server's
 * last requests finished (it is in maintenance meanwhile, so it takes no new
 * traffic). failed: anything else haproxy said.
 */
export type ReplyStatus = 'ok' | 'busy' | 'failed';

const MAX_WEIGHT = 256;

/**
 * Names reach haproxy already validated (domain/names.ts); refusing
 * separators here as well means no future caller can turn one argument into
 * two, or one command into two with `;` or a newline.
 */
function arg(value: string, what: string): string {
  if (value === '' || /[\s;]/.test(value)) throw new Error(`runtime command: unsafe ${what} ${JSON.stringify(value)}`);
  return value;
}

function serverRef(c: ServerRef): string {
  // `<backend>/<server>` is split at the slash, so neither half may contain one.
  if (c.backend.includes('/') || c.server.includes('/')) throw new Error(`runtime command: unsafe server ${JSON.stringify(serverKey(c))}`);
  return serverKey({ backend: arg(c.backend, 'backend'), server: arg(c.server, 'server') });
}

/** serverOptions() output is several words, so only command separators and control characters are refused. */
function options(value: string): string {
  if (/[;\x00-\x1f\x7f]/.test(value)) throw new Error(`runtime command: unsafe server options ${JSON.stringify(value)}`);
  return value;
}

function weight(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > MAX_WEIGHT) throw new Error(`runtime command: weight ${value} is not an integer in 0-${MAX_WEIGHT}`);
  return String(value);
}

/**
 * A PEM as payload lines. haproxy ends a payload at the first empty line
 * (a lone \r counts as empty), so blank lines, which PEM readers skip
 * between blocks anyway, are left out and line ends lose their \r.
 */
function pemLines(pem: string): string[] {
  return pem.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
}

/** The `set ssl ca-file` request, its name unchecked (see setSslCertRequest). */
export function setSslCaFileRequest(caFile: string, pem: string): CliRequest {
  return { line: `set ssl ca-file ${caFile}`, payload: pemLines(pem) };
}

/**
 * The `set ssl cert` request, its name unchecked: commandRequest checks it
 * first; the planner sizes the request (fitsCliBuffer) to reload rather than
 * send a certificate haproxy could not hold.
 */
export function setSslCertRequest(certFile: string, pem: string): CliRequest {
  return { line: `set ssl cert ${certFile}`, payload: pemLines(pem) };
}

/** `del ssl crt-list` takes what follows the first `:` of the file name as a line number. */
function crtListCertFile(certFile: string): string {
  if (certFile.includes(':')) throw new Error(`runtime command: certificate file ${JSON.stringify(certFile)} has a ':', which del ssl crt-list reads as a line number`);
  return arg(certFile, 'certificate file');
}

function crtListEntryLine(entry: CrtListEntry): string {
  arg(entry.certFile, 'certificate file');
  arg(entry.sni, 'SNI');
  return crtListLine(entry);
}

/** The command as a CLI request. Throws when an argument could break out of its place. */
export function commandRequest(c: RuntimeCommand): CliRequest {
  switch (c.kind) {
    case 'add-server': {
      const opts = options(c.options);
      return { line: `add server ${serverRef(c)} ${arg(c.address, 'address')}${opts === '' ? '' : ` ${opts}`}` };
    }
    case 'enable-server':
      return { line: `enable server ${serverRef(c)}` };
    case 'enable-health':
      return { line: `enable health ${serverRef(c)}` };
    case 'disable-health':
      return { line: `disable health ${serverRef(c)}` };
    case 'set-weight':
      return { line: `set server ${serverRef(c)} weight ${weight(c.weight)}` };
    case 'set-maint':
      return { line: `set server ${serverRef(c)} state maint` };
    case 'set-drain':
      return { line: `set server ${serverRef(c)} state drain` };
    case 'del-server':
      return { line: `del server ${serverRef(c)}` };
    case 'set-dynamic-cookie-key':
      return { line: `set dynamic-cookie-key backend ${arg(c.backend, 'backend')} ${arg(c.key, 'cookie key')}` };
    case 'enable-dynamic-cookie':
      return { line: `enable dynamic-cookie backend ${arg(c.backend, 'backend')}` };
    case 'new-ssl-cert':
      return { line: `new ssl cert ${arg(c.certFile, 'certificate file')}` };
    case 'set-ssl-cert':
      return setSslCertRequest(arg(c.certFile, 'certificate file'), c.pem);
    case 'commit-ssl-cert':
      return { line: `commit ssl cert ${arg(c.certFile, 'certificate file')}` };
    case 'new-ssl-ca-file':
      return { line: `new ssl ca-file ${arg(c.caFile, 'CA file')}` };
    case 'set-ssl-ca-file':
      return setSslCaFileRequest(arg(c.caFile, 'CA file'), c.pem);
    case 'commit-ssl-ca-file':
      return { line: `commit ssl ca-file ${arg(c.caFile, 'CA file')}` };
    case 'add-crt-list':
      return { line: `add ssl crt-list ${arg(c.crtList, 'crt-list')}`, payload: [crtListEntryLine(c.entry)] };
    case 'del-crt-list':
      return { line: `del ssl crt-list ${arg(c.crtList, 'crt-list')} ${crtListCertFile(c.certFile)}` };
    case 'del-ssl-cert':
      return { line: `del ssl cert ${arg(c.certFile, 'certificate file')}` };
    case 'add-map':
      return { line: `add map ${arg(c.map, 'map')} ${arg(c.key, 'map key')} ${arg(c.value, 'map value')}` };
    case 'set-map':
      return { line: `set map ${arg(c.map, 'map')} ${arg(c.key, 'map key')} ${arg(c.value, 'map value')}` };
    case 'del-map':
      return { line: `del map ${arg(c.map, 'map')} ${arg(c.key, 'map key')}` };
    case 'add-acl':
      return { line: `add acl ${arg(c.acl, 'ACL file')} ${arg(c.value, 'ACL entry')}` };
    case 'del-acl':
      return { line: `del acl ${arg(c.acl, 'ACL file')} ${arg(c.value, 'ACL entry')}` };
  }
}

/** `show servers state`, of one backend or of all. */
export function showServersStateText(backend?: string): string {
  return backend === undefined ? 'show servers state' : `show servers state ${arg(backend, 'backend')}`;
}

/** `commit ssl cert|ca-file` succeeded: one dot per bind or crt-list line it updated (none for a new certificate, two for the default one). */
function isCommitted(reply: string, file: string): boolean {
  const head = `Committing ${file}`;
  return reply.startsWith(head) && /^\.*\nSuccess!$/.test(reply.slice(head.length));
}

/**
 * Judges haproxy's reply (already trimmed, continuation prompts removed) to
 * a command: anything but the exact expected text is a failure. The
 * certificate replies name the certificate, so a reply about another one
 * fails too: `set ssl cert` while a transaction on another certificate is
 * still open answers `Transaction updated for certificate <other>!`.
 */
export function classifyReply(c: RuntimeCommand, reply: string): ReplyStatus {
  switch (c.kind) {
    case 'add-server':
      return reply === SERVER_ADDED_REPLY ? 'ok' : 'failed';
    case 'del-server':
      if (reply === SERVER_DELETED_REPLY) return 'ok';
      return reply === SERVER_BUSY_REPLY ? 'busy' : 'failed';
    case 'new-ssl-cert':
      return reply === `New empty certificate store '${c.certFile}'!` ? 'ok' : 'failed';
    case 'set-ssl-cert':
      return reply === `Transaction created for certificate ${c.certFile}!` ? 'ok' : 'failed';
    case 'commit-ssl-cert':
      return isCommitted(reply, c.certFile) ? 'ok' : 'failed';
    case 'new-ssl-ca-file':
      return reply === `New CA file created '${c.caFile}'!` || reply === `CA file '${c.caFile}' already exists!` ? 'ok' : 'failed';
    case 'set-ssl-ca-file':
      return reply === `transaction created for CA ${c.caFile}!` ? 'ok' : 'failed';
    case 'commit-ssl-ca-file':
      return isCommitted(reply, c.caFile) ? 'ok' : 'failed';
    case 'add-crt-list':
      return reply === `Inserting certificate '${c.entry.certFile}' in crt-list '${c.crtList}'.\nSuccess!` ? 'ok' : 'failed';
    case 'del-crt-list':
      return reply === `Entry '${c.certFile}' deleted in crtlist '${c.crtList}'!` ? 'ok' : 'failed';
    case 'del-ssl-cert':
      return reply === `Certificate '${c.certFile}' deleted!` ? 'ok' : 'failed';
    default:
      return reply === '' ? 'ok' : 'failed';
  }
}
