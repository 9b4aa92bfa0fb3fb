/**
 * The one place that turns runtime commands (plan/commands.ts) into CLI
 * requests and judges haproxy's replies (texts verified against haproxy
 * 2.6.12).
 */
import type { CrtListEntry } from '../../config/model.ts';
import { serverKey, type ServerRef } from '../../domain/names.ts';
import { setSslCaFileRequest, setSslCertRequest, type CliRequest } from '../../plan/cli-requests.ts';
import type { RuntimeCommand } from '../../plan/commands.ts';
import { crtListLineText, lineOfEntries } from '../../config/crt-list.ts';

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

/**
 * A map key or value: one word, where `;` (an HSTS value's separator, or
 * any route's path: `/a;v=1`) is escaped, as the CLI reads `\\;` as part of
 * the argument rather than the end of the command. Refused, a key made every
 * change of its route fail at runtime and reload instead, outside its
 * namespace's reload budget.
 */
function mapWord(value: string, what: string): string {
  if (value === '' || /[\s\\\x00-\x1f\x7f]/.test(value)) throw new Error(`runtime command: unsafe ${what} ${JSON.stringify(value)}`);
  return value.replaceAll(';', '\\;');
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

function port(value: number): string {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new Error(`runtime command: port ${value} is not an integer in 1-65535`);
  return String(value);
}

/** `del ssl crt-list` takes what follows the first `:` of the file name as the line number. */
function crtListLineRef(certFile: string, line: number): string {
  if (certFile.includes(':')) throw new Error(`runtime command: certificate file ${JSON.stringify(certFile)} has a ':', which del ssl crt-list reads as a line number`);
  if (!Number.isInteger(line) || line < 1) throw new Error(`runtime command: crt-list line number ${line} is not a positive integer`);
  return `${arg(certFile, 'certificate file')}:${line}`;
}

function crtListEntriesLine(entries: readonly CrtListEntry[]): string {
  const [first] = entries;
  if (!first) throw new Error('runtime command: a crt-list line without entries');
  for (const e of entries) {
    arg(e.certFile, 'certificate file');
    arg(e.sni, 'SNI');
    if (e.certFile !== first.certFile || e.alpn !== first.alpn) throw new Error(`runtime command: crt-list entries of ${e.certFile} and ${first.certFile}, or with other options, on one line`);
  }
  return crtListLineText(lineOfEntries(entries));
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
    case 'set-health-up':
      return { line: `set server ${serverRef(c)} health up` };
    case 'set-addr':
      return { line: `set server ${serverRef(c)} addr ${arg(c.ip, 'address')} port ${port(c.port)}` };
    case 'set-weight':
      return { line: `set server ${serverRef(c)} weight ${weight(c.weight)}` };
    case 'set-maxconn':
      if (!Number.isInteger(c.maxconn) || c.maxconn < 0) throw new Error(`runtime command: maxconn ${c.maxconn} is not a whole number`);
      return { line: `set maxconn server ${serverRef(c)} ${c.maxconn}` };
    case 'set-maxconn-global':
      if (!Number.isInteger(c.maxconn) || c.maxconn < 1) throw new Error(`runtime command: global maxconn ${c.maxconn} is not a positive whole number`);
      return { line: `set maxconn global ${c.maxconn}` };
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
      return { line: `add ssl crt-list ${arg(c.crtList, 'crt-list')}`, payload: [crtListEntriesLine(c.entries)] };
    case 'del-crt-list':
      return { line: `del ssl crt-list ${arg(c.crtList, 'crt-list')} ${crtListLineRef(c.entry.certFile, c.line)}` };
    case 'del-ssl-cert':
      return { line: `del ssl cert ${arg(c.certFile, 'certificate file')}` };
    case 'add-map':
      return { line: `add map ${arg(c.map, 'map')} ${mapWord(c.key, 'map key')} ${mapWord(c.value, 'map value')}` };
    case 'set-map':
      return { line: `set map ${arg(c.map, 'map')} ${mapWord(c.key, 'map key')} ${mapWord(c.value, 'map value')}` };
    case 'del-map':
      return { line: `del map ${arg(c.map, 'map')} ${mapWord(c.key, 'map key')}` };
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

/** `set server ... addr` reports each of address and port as changed (to what was asked) or as already so. */
function isAddressSet(reply: string, ip: string, port: number): boolean {
  const [address, rest] = reply.split(', ', 2);
  const portPart = rest?.replace(/ by 'stats socket command'$/, '');
  const addressOk = address === 'no need to change the addr' || (address?.startsWith('IP changed from ') === true && address.endsWith(` to '${ip}'`));
  const portOk = portPart === 'no need to change the port' || (portPart?.startsWith('port changed from ') === true && portPart.endsWith(` to '${port}'`));
  return addressOk && portOk && rest !== portPart;
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
    case 'set-addr':
      return isAddressSet(reply, c.ip, c.port) ? 'ok' : 'failed';
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
      return reply === `Inserting certificate '${c.entries[0]?.certFile}' in crt-list '${c.crtList}'.\nSuccess!` ? 'ok' : 'failed';
    case 'del-crt-list':
      return reply === `Entry '${c.entry.certFile}' deleted in crtlist '${c.crtList}'!` ? 'ok' : 'failed';
    case 'del-ssl-cert':
      return reply === `Certificate '${c.certFile}' deleted!` ? 'ok' : 'failed';
    default:
      return reply === '' ? 'ok' : 'failed';
  }
}
