import { Eta } from 'eta';
import { REDIRECT_TO_HTTPS, type BackendModel, type CheckServerModel, type ConfigModel, type CrtListEntry, type MapEntry, type ServerModel } from './model.ts';
import { CRT_LIST_FILE, crtListLine } from './crt-list.ts';
import { DEFAULT_CERTIFICATE_FILE } from './certificates.ts';
import { allowlistFile, allowlistText } from './allowlists.ts';
import { checkServerLine, serverLine } from './server-line.ts';
import { trackOf } from './check-servers.ts';
import { checkServerRef } from '../domain/names.ts';
import { logConfig } from './log-config.ts';
import { bindAddresses, trafficConfig } from './traffic-config.ts';
import { CLIENT_CA_FILE, CLIENT_CRL_FILE } from './client-certificates.ts';

/** File name -> contents, relative to the configuration directory. */
export type RenderedFiles = Map<string, string>;

export interface RendererAssets {
  /** The Eta template for haproxy.config (embedded, or --template). */
  template: string;
  errorPage503: string;
  errorPage404: string;
  version: string;
  /** PEM of the CAs (and CRLs) client certificates are verified by, when the settings ask for client certificates. */
  clientCa?: string;
  clientCrl?: string;
}

export type Renderer = (model: ConfigModel) => RenderedFiles;

function mapText(entries: readonly MapEntry[]): string {
  let text = '';
  for (const e of entries) text += `${e.key} ${e.value}\n`;
  return text;
}

/** The crt-list file; each line is built by the same function the runtime `add ssl crt-list` uses. */
function crtListText(entries: readonly CrtListEntry[]): string {
  let text = '';
  for (const e of entries) text += `${crtListLine(e)}\n`;
  return text;
}

/** The check slots grouped into the backends that hold them, in slot order. */
function checkBackends(checks: readonly CheckServerModel[]): { name: string; servers: CheckServerModel[] }[] {
  const backends: { name: string; servers: CheckServerModel[] }[] = [];
  for (const c of checks) {
    const name = checkServerRef(c.name).backend;
    const last = backends.at(-1);
    if (last?.name === name) last.servers.push(c);
    else backends.push({ name, servers: [c] });
  }
  return backends;
}

/**
 * Compiles the template once. eta's defaults would XML-escape every value and
 * swallow the newline after each tag, which corrupts a config file, so both
 * are turned off; the model is the template's only input.
 */
export function createRenderer(assets: RendererAssets): Renderer {
  const eta = new Eta({ autoEscape: false, autoTrim: false });
  eta.loadTemplate('@haproxy.config', assets.template);
  return (model) => {
    const files: RenderedFiles = new Map();
    const track = trackOf(model.checks);
    files.set(
      'haproxy.config',
      eta.render('@haproxy.config', {
        model,
        serverLine: (b: BackendModel, s: ServerModel) => serverLine(b, s, track(b, s)),
        checkBackends: checkBackends(model.checks),
        checkServerLine,
        allowlistFile,
        log: logConfig(model.settings.logging),
        traffic: trafficConfig(model.settings),
        bindAddresses,
        version: assets.version,
        redirectToHttps: REDIRECT_TO_HTTPS,
        defaultCertificateFile: DEFAULT_CERTIFICATE_FILE,
      }),
    );
    for (const [name, entries] of Object.entries(model.maps)) files.set(name, mapText(entries));
    files.set(CRT_LIST_FILE, crtListText(model.crtList));
    for (const b of model.backends) if (b.allowlist) files.set(allowlistFile(b.name), allowlistText(b.allowlist));
    files.set(DEFAULT_CERTIFICATE_FILE, model.defaultCertificate);
    files.set('error-page-503.http', assets.errorPage503);
    files.set('error-page-404.http', assets.errorPage404);
    if (assets.clientCa !== undefined) files.set(CLIENT_CA_FILE, assets.clientCa);
    if (assets.clientCrl !== undefined) files.set(CLIENT_CRL_FILE, assets.clientCrl);
    return files;
  };
}
