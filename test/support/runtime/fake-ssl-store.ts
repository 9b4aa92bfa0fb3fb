import type { RenderedFiles } from '../../../src/config/render.ts';
import { msg, type Reply } from './fake-reply.ts';
import { configText } from '../../../src/config/config-files.ts';

/** What a loaded configuration gives haproxy's certificate store: the certificate files and each crt-list's lines. */
export interface FakeSslSpec {
  /** Files loaded by `crt` on bind lines; they stay in use. */
  bindCertificates: string[];
  /** crt-list name as the bind line gives it -> its lines. */
  crtLists: Record<string, string[]>;
  /** CA files server lines name with `ca-file`: haproxy reads those with the configuration. */
  caFiles?: string[];
}

interface CrtListLine {
  certFile: string;
  /** Options and SNI filters, as written after the file name. */
  rest: string;
  /** haproxy's number for the line: its line in the file, or the list's next number when added live. */
  number: number;
}

/** A crt-list's lines, and the highest number it has given (never given again). */
interface CrtList {
  lines: CrtListLine[];
  last: number;
}

/**
 * The certificate store of a config: every `crt <file>` and `crt-list <name>`
 * of its bind lines, crt-lists read from the rendered files as haproxy reads
 * them relative to the config (`default-path config`), and the CA files
 * of its server lines.
 */
export function fakeSslFromRendered(files: RenderedFiles): FakeSslSpec {
  const config = configText(files);
  const spec: FakeSslSpec = { bindCertificates: [], crtLists: {}, caFiles: [] };
  for (const line of config.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'server') {
      const at = words.indexOf('ca-file');
      if (at !== -1 && words[at + 1]) spec.caFiles?.push(words[at + 1] ?? '');
    }
    if (words[0] !== 'bind') continue;
    words.forEach((w, i) => {
      const value = words[i + 1];
      if (value === undefined) return;
      if (w === 'crt') spec.bindCertificates.push(value);
      if (w === 'crt-list') spec.crtLists[value] = (files.get(value) ?? '').split('\n').filter((l) => l.trim() !== '');
    });
  }
  return spec;
}

function parseLine(line: string, number: number): CrtListLine {
  const at = line.indexOf(' ');
  return at === -1 ? { certFile: line, rest: '', number } : { certFile: line.slice(0, at), rest: line.slice(at + 1), number };
}

/**
 * haproxy 2.6's certificate commands (`new/set/commit/del ssl cert`,
 * `add/del/show ssl crt-list`) with its exact texts (captured from 2.6.12),
 * including its quirks: one transaction at a time, and `set ssl cert` on
 * another certificate while one is open answers about (and fills) the open
 * one.
 */
export class FakeSslStore {
  /** Certificate name -> whether it holds a certificate yet (`new ssl cert` makes an empty one). */
  private readonly certificates = new Map<string, 'empty' | 'loaded'>();
  /** Certificates bind lines load with `crt`, once per bind. */
  private readonly bindCertificates: string[];
  private readonly crtLists = new Map<string, CrtList>();
  /** The one certificate haproxy 2.6 has an open transaction for. */
  private transaction: string | undefined;
  /** CA file name -> whether it holds certificates yet; CA files have their own transaction. */
  private readonly caFiles = new Map<string, 'empty' | 'loaded'>();
  private caTransaction: string | undefined;

  constructor(spec: FakeSslSpec) {
    this.bindCertificates = [...spec.bindCertificates];
    for (const c of spec.bindCertificates) this.certificates.set(c, 'loaded');
    for (const c of spec.caFiles ?? []) this.caFiles.set(c, 'loaded');
    for (const [name, lines] of Object.entries(spec.crtLists)) {
      const parsed = lines.map((line, i) => parseLine(line, i + 1));
      this.crtLists.set(name, { lines: parsed, last: parsed.length });
      for (const l of parsed) this.certificates.set(l.certFile, 'loaded');
    }
  }

  /** Runs `<verb> ssl <args>` (payload lines for `<<` commands); undefined for a command it does not know. */
  execute(verb: string, args: readonly string[], payload: readonly string[] | undefined): Reply | undefined {
    const [object, first = '', second = ''] = args;
    switch (`${verb} ${object}`) {
      case 'new cert':
        return this.newCert(first);
      case 'set cert':
        return payload ? this.setCert(first, payload) : undefined;
      case 'commit cert':
        return this.commitCert(first);
      case 'del cert':
        return this.delCert(first);
      case 'new ca-file':
        return this.newCaFile(first);
      case 'set ca-file':
        return payload ? this.setCaFile(first, payload) : undefined;
      case 'commit ca-file':
        return this.commitCaFile(first);
      case 'add crt-list':
        return payload ? this.addCrtList(first, payload[0] ?? '') : undefined;
      case 'del crt-list':
        return this.delCrtList(first, second);
      case 'show crt-list':
        return this.showCrtList(first);
      default:
        return undefined;
    }
  }

  private newCert(certFile: string): Reply {
    if (this.certificates.has(certFile)) return msg(`Certificate '${certFile}' already exists!`);
    this.certificates.set(certFile, 'empty');
    return msg(`New empty certificate store '${certFile}'!`);
  }

  private setCert(certFile: string, payload: readonly string[]): Reply {
    if (!this.certificates.has(certFile)) return msg(`Can't replace a certificate which is not referenced by the configuration!\nCan't update ${certFile}!`);
    const pem = payload.join('\n');
    if (!pem.includes('-----BEGIN ') || !pem.includes('-----END ')) {
      return msg(`unable to load certificate from file '${certFile}'.\nCan't load the payload\nCan't update ${certFile}!`);
    }
    if (this.transaction !== undefined) return msg(`Transaction updated for certificate ${this.transaction}!`);
    this.transaction = certFile;
    return msg(`Transaction created for certificate ${certFile}!`);
  }

  private commitCert(certFile: string): Reply {
    const open = this.transaction;
    if (open === undefined) return msg(`No ongoing transaction! !\nCan't commit ${certFile}!`);
    if (open !== certFile) return msg(`The ongoing transaction is about '${open}' but you are trying to set '${certFile}'\nCan't commit ${certFile}!`);
    this.certificates.set(certFile, 'loaded');
    this.transaction = undefined;
    // haproxy prints a dot for each bind or crt-list line it updates.
    return msg(`Committing ${certFile}${'.'.repeat(this.instances(certFile))}\nSuccess!`);
  }

  private instances(certFile: string): number {
    const binds = this.bindCertificates.filter((c) => c === certFile).length;
    return binds + [...this.crtLists.values()].reduce((n, list) => n + list.lines.filter((l) => l.certFile === certFile).length, 0);
  }

  /** A CA file `add server ... ca-file` can use: loaded with the configuration or committed since. */
  hasCaFile(caFile: string): boolean {
    return this.caFiles.get(caFile) === 'loaded';
  }

  private newCaFile(caFile: string): Reply {
    if (this.caFiles.has(caFile)) return msg(`CA file '${caFile}' already exists!`);
    this.caFiles.set(caFile, 'empty');
    return msg(`New CA file created '${caFile}'!`);
  }

  private setCaFile(caFile: string, payload: readonly string[]): Reply {
    if (!this.caFiles.has(caFile)) return msg(`Can't replace a CA file which is not referenced by the configuration!\nCan't update ${caFile}!`);
    const pem = payload.join('\n');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) return msg(`Invalid payload\nCan't update ${caFile}!`);
    this.caTransaction = caFile;
    return msg(`transaction created for CA ${caFile}!`);
  }

  private commitCaFile(caFile: string): Reply {
    if (this.caTransaction !== caFile) return msg(`No ongoing transaction! !\nCan't commit ${caFile}!`);
    this.caFiles.set(caFile, 'loaded');
    this.caTransaction = undefined;
    return msg(`Committing ${caFile}\nSuccess!`);
  }

  private inUse(certFile: string): boolean {
    return this.instances(certFile) > 0;
  }

  private delCert(certFile: string): Reply {
    if (!this.certificates.has(certFile)) return msg(`Can't remove the certificate: certificate '${certFile}' doesn't exist!\n`);
    if (this.inUse(certFile)) return msg(`Can't remove the certificate: certificate '${certFile}' in use, can't be deleted!\n`);
    this.certificates.delete(certFile);
    return msg(`Certificate '${certFile}' deleted!`);
  }

  private addCrtList(name: string, line: string): Reply {
    const list = this.crtLists.get(name);
    const entry = parseLine(line, (list?.last ?? 0) + 1);
    if (!list) return msg(`Can't edit the crt-list: crt-list '${name}' does not exist!`);
    if (!this.certificates.has(entry.certFile)) return msg(`Can't edit the crt-list: certificate '${entry.certFile}' does not exist!`);
    if (this.certificates.get(entry.certFile) === 'empty') return msg(`Can't edit the crt-list: certificate '${entry.certFile}' is empty!`);
    list.lines.push(entry);
    list.last = entry.number;
    return msg(`Inserting certificate '${entry.certFile}' in crt-list '${name}'.\nSuccess!`);
  }

  private delCrtList(name: string, argument: string): Reply {
    // haproxy splits `<cert>[:<line>]` at the first colon, even one that belongs to the file name.
    const colon = argument.indexOf(':');
    const certFile = colon === -1 ? argument : argument.slice(0, colon);
    const lineNumber = colon === -1 ? undefined : argument.slice(colon + 1);
    if (lineNumber !== undefined && !/^\d+$/.test(lineNumber)) return msg(`Can't delete the entry: wrong line number after colons in '${argument}'!`);
    const list = this.crtLists.get(name);
    if (!list) return msg(`Can't delete the entry: crt-list '${name}' does not exist!`);
    if (!this.certificates.has(certFile)) return msg(`Can't delete the entry: certificate '${certFile}' does not exist!`);
    if (this.certificates.get(certFile) === 'empty') return msg(`Can't delete the entry: certificate '${certFile}' is empty!`);
    const matching = list.lines.filter((l) => l.certFile === certFile && (lineNumber === undefined || Number(lineNumber) === l.number));
    if (matching.length === 0) return msg(`Can't delete the entry: certificate '${certFile}' can't be found in crt-list '${name}'!`);
    if (matching.length > 1) {
      return msg(`Can't delete the entry: found the certificate '${certFile}' in several entries, please specify a line number preceded by colons (${matching.map((l) => l.number).join(', ')})!`);
    }
    list.lines.splice(list.lines.indexOf(matching[0] as CrtListLine), 1);
    return msg(`Entry '${certFile}' deleted in crtlist '${name}'!`);
  }

  private showCrtList(name: string): Reply | undefined {
    const list = this.crtLists.get(name);
    if (!list) return undefined;
    // haproxy 2.6 prints the ALPN option with a NUL before its closing bracket.
    const lines = list.lines.map((l) => `${l.certFile}${l.rest === '' ? '' : ` ${l.rest.replace(/\[alpn ([^\]]*)\]/, '[alpn $1\0]')}`}`);
    return msg([`# ${name}`, ...lines].join('\n'));
  }
}
