import { readFile } from 'node:fs/promises';
import { EMBEDDED_ASSETS } from '../config/embedded-assets.ts';
import { errorPageProblem } from '../config/error-page.ts';
import type { RendererAssets } from '../config/render.ts';
import { errorMessage } from '../errors.ts';
import type { RouterOptions } from '../options.ts';
import { checkClientCa, checkCrls, crlNextUpdates } from '../tls/client-ca.ts';
import { regexProblem } from './pattern-check.ts';

type Problems = string[];

async function read(variable: string, path: string, problems: Problems): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    problems.push(`${variable}: cannot read ${path}: ${errorMessage(err)}`);
    return undefined;
  }
}

async function errorPage(variable: string, path: string | undefined, embedded: string, options: RouterOptions, problems: Problems): Promise<string> {
  if (path === undefined) return embedded;
  const page = await read(variable, path, problems);
  const text = page?.toString('utf8');
  // Generations are written as UTF-8 text: any other bytes would not reach haproxy as the operator wrote them.
  const problem = page && (Buffer.from(text ?? '', 'utf8').equals(page) ? errorPageProblem(page, options.haproxy) : 'is not UTF-8 text');
  if (problem) problems.push(`${variable}: ${path} ${problem}`);
  return text ?? embedded;
}

async function clientCertificateFiles(options: RouterOptions, problems: Problems, warn: (message: string) => void): Promise<Pick<RendererAssets, 'clientCa' | 'clientCrl'>> {
  const client = options.tls.clientCertificates;
  if (!client) return {};
  const caText = await read('ROUTER_MUTUAL_TLS_AUTH_CA', client.caFile, problems);
  const crlText = client.crlFile === undefined ? undefined : await read('ROUTER_MUTUAL_TLS_AUTH_CRL', client.crlFile, problems);
  const ca = caText && checkClientCa(caText.toString('utf8'));
  const crl = crlText && checkCrls(crlText.toString('utf8'));
  if (ca && !ca.ok) problems.push(`ROUTER_MUTUAL_TLS_AUTH_CA: ${client.caFile} ${ca.error}`);
  if (crl && !crl.ok) problems.push(`ROUTER_MUTUAL_TLS_AUTH_CRL: ${client.crlFile} ${crl.error}`);
  // Read once at start: one past its nextUpdate refuses every client certificate until a new file and a restart.
  const lapsed = crl?.ok ? crlNextUpdates(crl.value).filter((d) => d.getTime() < Date.now()) : [];
  if (lapsed.length > 0) {
    warn(`ROUTER_MUTUAL_TLS_AUTH_CRL: ${client.crlFile} holds a CRL past its nextUpdate (${lapsed[0]?.toISOString()}): haproxy refuses every client certificate checked against it; put a current CRL there and restart or hand over the router`);
  }
  const filter = client.subjectFilter;
  const refused = filter === undefined ? undefined : await regexProblem(options.haproxyBinary, filter);
  if (refused) problems.push(`ROUTER_MUTUAL_TLS_AUTH_FILTER: haproxy refuses the regular expression: ${refused}`);
  // Without egress there is nothing to download them from: revocation would silently go unchecked.
  if (ca?.ok && ca.value.crlDistributionPoints && client.crlFile === undefined) {
    problems.push(
      `ROUTER_MUTUAL_TLS_AUTH_CA: ${client.caFile} names CRL distribution points, which openshift-router downloads and router does not ` +
        '(left for later, no issue planned): give the CRLs as a file in ROUTER_MUTUAL_TLS_AUTH_CRL',
    );
  }
  return { ...(ca?.ok ? { clientCa: ca.value.pem } : {}), ...(crl?.ok ? { clientCrl: crl.value } : {}) };
}

/**
 * Everything the renderer takes from outside the model, read once at start:
 * the template, the error pages and the client CA files, each checked (and
 * the client subject filter by haproxy) so that a bad one stops the start
 * naming its setting rather than failing the first `haproxy -c`. Later changes to these files take effect at the next
 * start (or hand-over).
 */
export async function loadRendererAssets(options: RouterOptions, warn: (message: string) => void = () => {}): Promise<RendererAssets> {
  const problems: Problems = [];
  const template = options.templatePath === undefined ? EMBEDDED_ASSETS.template : await readFile(options.templatePath, 'utf8');
  const assets: RendererAssets = {
    ...EMBEDDED_ASSETS,
    template,
    errorPage503: await errorPage('ROUTER_ERRORFILE_503', options.errorPages.page503, EMBEDDED_ASSETS.errorPage503, options, problems),
    errorPage404: await errorPage('ROUTER_ERRORFILE_404', options.errorPages.page404, EMBEDDED_ASSETS.errorPage404, options, problems),
    ...(await clientCertificateFiles(options, problems, warn)),
  };
  if (problems.length > 0) throw new Error(problems.join('; '));
  return assets;
}
