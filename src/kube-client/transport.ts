/**
 * HTTP to the API server on Bun's own fetch. client-node 2.0.1 hands its TLS
 * settings to an undici dispatcher that Bun's fetch ignores, so a custom CA,
 * insecure-skip-tls-verify and client certificates silently do nothing there;
 * Bun's `tls` fetch option is what actually reaches the TLS handshake.
 *
 * Credentials still come from client-node (`applySecurityAuthentication`):
 * bearer tokens, token files (re-read every minute), exec plugins, OIDC and
 * basic auth all keep working; only the dispatcher it builds is discarded.
 */
import { readFileSync } from 'node:fs';
import { KubeConfig, RequestContext, type Cluster, type HttpMethod, type User } from '@kubernetes/client-node';
import { errorMessage } from '../errors.ts';
import type { KubeConnection } from './kube-config.ts';

/** Non-watch requests that take longer than this fail, so a hung API server cannot stall a relist forever. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Transport settings that are not part of the kubeconfig. */
export interface TransportOptions extends Pick<KubeConnection, 'requestTimeoutMs'> {
  /** Sent as User-Agent, so API server audit logs can tell the router apart. Default "router". */
  userAgent?: string;
}

/** `fetch` options, plus whether the response is a stream. */
export interface KubeFetchInit extends RequestInit {
  /** A long-lived stream (a watch): no request timeout, it lasts until the server or the caller ends it. */
  stream?: boolean;
}

/** `fetch` bound to one API server: its TLS settings, its credentials, a request timeout. */
export type KubeFetch = (url: string | URL, init?: KubeFetchInit) => Promise<Response>;

/** How to reach one API server. */
export interface KubeTransport {
  /** The API server's base URL, without a trailing slash. */
  readonly server: string;
  readonly kubeFetch: KubeFetch;
}

function readPem(what: string, file: string | undefined, data: string | undefined): string | undefined {
  let pem: string;
  if (file) {
    try {
      pem = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${what} ${file}: ${errorMessage(err)}`);
    }
  } else if (data) {
    pem = Buffer.from(data, 'base64').toString('utf8');
  } else {
    return undefined;
  }
  // Bun reports a malformed PEM only as a failed handshake; say it at startup instead.
  if (!pem.includes('-----BEGIN ')) throw new Error(`${what} ${file ?? '(inline data)'} is not PEM`);
  return pem;
}

/** The `tls` option for Bun's fetch, read once: a misconfigured file fails the router at startup, not on the first list. */
function tlsOptions(cluster: Cluster, user: User | null): BunFetchRequestInitTLS {
  const ca = readPem('certificate authority', cluster.caFile, cluster.caData);
  const cert = readPem('client certificate', user?.certFile, user?.certData);
  const key = readPem('client key', user?.keyFile, user?.keyData);
  if ((cert === undefined) !== (key === undefined)) {
    throw new Error(cert ? 'a client certificate needs a client key' : 'a client key needs a client certificate');
  }
  return {
    // Explicit, so NODE_TLS_REJECT_UNAUTHORIZED in the environment cannot weaken it (client-go ignores it too).
    rejectUnauthorized: !cluster.skipTLSVerify,
    ...(ca !== undefined ? { ca } : {}),
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    ...(cluster.tlsServerName ? { serverName: cluster.tlsServerName } : {}),
  };
}

function proxyOption(cluster: Cluster): string | undefined {
  if (!cluster.proxyUrl) return undefined;
  if (!/^https?:\/\//i.test(cluster.proxyUrl)) {
    throw new Error(`proxy-url ${cluster.proxyUrl}: only http:// and https:// proxies are supported`);
  }
  return cluster.proxyUrl;
}

/** Per request, so token files, exec plugins and OIDC refresh on their own schedules. */
async function authHeaders(kc: KubeConfig, url: string, method: string): Promise<Record<string, string>> {
  const ctx = new RequestContext(url, method as HttpMethod);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders();
}

/**
 * Builds the transport for a KubeConfig's current cluster and user. Throws
 * when its CA, client certificate or key cannot be read, or only one of the
 * certificate and key is given.
 *
 * Over plain `http://` no credentials are sent, as client-go (and so kubectl
 * and openshift-router) behaves: a token must not cross the network in clear.
 */
export function createTransport(kc: KubeConfig, opts: TransportOptions = {}): KubeTransport {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig selects no cluster');
  const secure = new URL(cluster.server).protocol === 'https:';
  const tls = secure ? tlsOptions(cluster, kc.getCurrentUser()) : undefined;
  const proxy = proxyOption(cluster);
  const timeoutMs = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const userAgent = opts.userAgent ?? 'router';

  const kubeFetch: KubeFetch = async (url, init = {}) => {
    const { stream, signal, headers: given, ...rest } = init;
    const headers = new Headers(given);
    if (secure) {
      for (const [name, value] of Object.entries(await authHeaders(kc, String(url), rest.method ?? 'GET'))) {
        headers.set(name, value);
      }
    }
    if (!headers.has('user-agent')) headers.set('user-agent', userAgent);
    const signals = [signal, stream ? undefined : AbortSignal.timeout(timeoutMs)].filter((s): s is AbortSignal => !!s);
    return fetch(url, {
      ...rest,
      headers,
      ...(signals.length > 0 ? { signal: AbortSignal.any(signals) } : {}),
      ...(tls ? { tls } : {}),
      ...(proxy ? { proxy } : {}),
    });
  };
  return { server: cluster.server, kubeFetch };
}
