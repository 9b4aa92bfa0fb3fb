/**
 * Where the router finds its cluster and credentials, following client-go's
 * clientcmd rules (as `openshift-router` does):
 *
 * 1. kubeconfig files: `--kubeconfig` (must exist), else every file in
 *    `KUBECONFIG` (colon-separated; missing ones skipped; merged so the first
 *    file to define a name wins, current-context included), else
 *    `~/.kube/config` if it exists;
 * 2. the context: `--context`, else the merged current-context;
 * 3. nothing selected and no `--server`: the in-cluster service account;
 * 4. the flag overrides on top (`--server`, `--token` or `--token-file`,
 *    `--certificate-authority`, `--client-certificate`/`--client-key`,
 *    `--insecure-skip-tls-verify`).
 *
 * The result is a KubeConfig holding just the selected cluster, user and
 * context, so everything downstream reads `getCurrentCluster()`/`getCurrentUser()`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { errorMessage } from '../errors.ts';

/** The connection flags, as `openshift-router` names them (`--master` is `server`). */
export interface KubeConnection {
  server?: string;
  token?: string;
  /** A file holding the token, re-read every minute (`--token-file`, ours: client-go has no such flag). */
  tokenFile?: string;
  kubeconfig?: string;
  context?: string;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  /** Read by the transport, not here; carried so callers can pass one object around. */
  requestTimeoutMs?: number;
}

/** The variables consulted: `KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`, `KUBERNETES_SERVICE_PORT`. */
export type KubeEnv = Readonly<Record<string, string | undefined>>;

/** Where a pod's service account credentials are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Names given to the cluster, user and context the router builds itself (flags only, in-cluster). */
const OWN_NAME = 'router';
const IN_CLUSTER_NAME = 'in-cluster';

interface Merged {
  files: string[];
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string | undefined;
}

/**
 * Makes `token-file` paths absolute (client-go resolves them against the
 * kubeconfig's directory; client-node would read them relative to the CWD)
 * and turns a plain `token-file` user into client-node's `tokenFile` auth
 * provider, whose FileAuth re-reads the file every minute like client-go's
 * cached token source, so rotated (bound service account) tokens keep working.
 */
function rewriteTokenFiles(raw: Record<string, unknown>, dir: string): void {
  if (!Array.isArray(raw.users)) return;
  for (const entry of raw.users as unknown[]) {
    const user = (entry as { user?: Record<string, unknown> } | null)?.user;
    const tokenFile = user?.['token-file'];
    if (!user || typeof tokenFile !== 'string' || tokenFile === '') continue;
    const path = resolve(dir, tokenFile);
    if (user.token || user['auth-provider']) {
      user['token-file'] = path;
      continue;
    }
    delete user['token-file'];
    user['auth-provider'] = { name: 'tokenFile', config: { tokenFile: path } };
  }
}

/** Loads one kubeconfig file; `undefined` when an optional file does not exist. */
function loadFile(path: string, required: boolean): KubeConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read kubeconfig ${path}: ${errorMessage(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new Error(`kubeconfig ${path} is not valid YAML: ${errorMessage(err)}`);
  }
  const kc = new KubeConfig();
  // An empty file is an empty config to client-go, not an error.
  if (raw === null || raw === undefined) return kc;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`kubeconfig ${path} is not a mapping`);
  const dir = dirname(resolve(path));
  rewriteTokenFiles(raw as Record<string, unknown>, dir);
  try {
    // JSON is YAML: client-node parses it back with its own loader and validation.
    kc.loadFromString(JSON.stringify(raw));
  } catch (err) {
    throw new Error(`kubeconfig ${path} is invalid: ${errorMessage(err)}`);
  }
  kc.makePathsAbsolute(dir);
  return kc;
}

function candidateFiles(conn: KubeConnection, env: KubeEnv): { paths: string[]; required: boolean } {
  if (conn.kubeconfig) return { paths: [conn.kubeconfig], required: true };
  if (env.KUBECONFIG) return { paths: env.KUBECONFIG.split(':').filter((p) => p !== ''), required: false };
  if (env.HOME) return { paths: [join(env.HOME, '.kube', 'config')], required: false };
  return { paths: [], required: false };
}

/** client-go's merge: the first file that defines a name (or a current-context) wins. */
function loadAndMerge(conn: KubeConnection, env: KubeEnv): Merged {
  const { paths, required } = candidateFiles(conn, env);
  const merged: Merged = { files: [], clusters: [], users: [], contexts: [], currentContext: undefined };
  const addNew = <T extends { name: string }>(into: T[], from: T[]) => {
    for (const item of from) if (!into.some((x) => x.name === item.name)) into.push(item);
  };
  for (const path of paths) {
    const kc = loadFile(path, required);
    if (!kc) continue;
    merged.files.push(path);
    addNew(merged.clusters, kc.getClusters());
    addNew(merged.users, kc.getUsers());
    addNew(merged.contexts, kc.getContexts());
    merged.currentContext ||= kc.getCurrentContext() || undefined;
  }
  return merged;
}

function where(merged: Merged): string {
  return merged.files.length > 0 ? `kubeconfig ${merged.files.join(', ')}` : 'any kubeconfig (none was found)';
}

interface Selection {
  contextName: string;
  cluster: Cluster | undefined;
  user: User | undefined;
  namespace: string | undefined;
}

function selectContext(merged: Merged, explicit: string | undefined): Selection {
  const contextName = explicit || merged.currentContext;
  if (!contextName) return { contextName: OWN_NAME, cluster: undefined, user: undefined, namespace: undefined };
  const label = explicit ? 'context' : 'current-context';
  const ctx = merged.contexts.find((c) => c.name === contextName);
  if (!ctx) throw new Error(`${label} "${contextName}" is not defined in ${where(merged)}`);
  const cluster = merged.clusters.find((c) => c.name === ctx.cluster);
  if (!cluster) throw new Error(`context "${contextName}" refers to cluster "${ctx.cluster}", which ${where(merged)} does not define`);
  let user: User | undefined;
  if (ctx.user) {
    user = merged.users.find((u) => u.name === ctx.user);
    if (!user) throw new Error(`context "${contextName}" refers to user "${ctx.user}", which ${where(merged)} does not define`);
  }
  return { contextName, cluster, user, namespace: ctx.namespace };
}

/** client-go's in-cluster config: possible when both service variables are set and the token is mounted. */
function inCluster(env: KubeEnv, dir: string): { cluster: Cluster; user: User } | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const tokenFile = join(dir, 'token');
  if (!host || !port || !existsSync(tokenFile)) return undefined;
  const caFile = join(dir, 'ca.crt');
  return {
    cluster: {
      name: IN_CLUSTER_NAME,
      server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      skipTLSVerify: false,
      ...(existsSync(caFile) ? { caFile } : {}),
    },
    // FileAuth re-reads the projected token every minute, as client-go does, so rotation works.
    user: { name: IN_CLUSTER_NAME, authProvider: { name: 'tokenFile', config: { tokenFile } } },
  };
}

/** `--server` as client-go takes it: a bare host:port means https. */
function normalizeServer(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`invalid API server URL "${server}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`invalid API server URL "${server}": the scheme must be https or http`);
  }
  return withScheme.replace(/\/+$/, '');
}

function overrideCluster(base: Cluster | undefined, conn: KubeConnection): Cluster {
  let cluster: Cluster = base ?? { name: OWN_NAME, server: '', skipTLSVerify: false };
  if (conn.server) {
    // client-go drops the kubeconfig's tls-server-name with --server: it named the old server.
    cluster = { ...cluster, server: normalizeServer(conn.server), tlsServerName: undefined };
  }
  // client-go: either flag replaces the whole trust setting, so the CA a kubeconfig names
  // does not linger next to --insecure-skip-tls-verify, nor its insecure flag next to a CA.
  if (conn.insecureSkipTlsVerify || conn.certificateAuthority) {
    cluster = {
      ...cluster,
      skipTLSVerify: conn.insecureSkipTlsVerify === true,
      caFile: conn.certificateAuthority ? resolve(conn.certificateAuthority) : undefined,
      caData: undefined,
    };
  }
  if (cluster.skipTLSVerify && (cluster.caFile || cluster.caData)) {
    throw new Error(
      `cluster "${cluster.name}": a certificate authority and insecure-skip-tls-verify cannot both be set (kubectl refuses this too)`,
    );
  }
  return cluster;
}

/** Reads the token file once at start so a wrong path or an empty file is a start-up error, not a stream of 401s. */
function checkTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the token file ${path}: ${errorMessage(err)}`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`the token file ${path} is empty`);
  if (/[\s\x00-\x1f\x7f]/.test(token)) throw new Error(`the token file ${path} holds more than one token (whitespace or control characters inside)`);
  return path;
}

function overrideUser(base: User | undefined, conn: KubeConnection): User {
  let user: User = base ?? { name: OWN_NAME };
  // As client-go: an explicit token is the credential, so exec plugins, auth
  // providers (token files included) and basic auth no longer run.
  const onlyCredential = { token: undefined, authProvider: undefined, exec: undefined, username: undefined, password: undefined };
  if (conn.token) user = { ...user, ...onlyCredential, token: conn.token };
  if (conn.tokenFile) {
    // client-node's FileAuth re-reads it every minute, like client-go's cached token source.
    const tokenFile = checkTokenFile(resolve(conn.tokenFile));
    user = { ...user, ...onlyCredential, authProvider: { name: 'tokenFile', config: { tokenFile } } };
  }
  if (conn.clientCertificate) user = { ...user, certFile: resolve(conn.clientCertificate), certData: undefined };
  if (conn.clientKey) user = { ...user, keyFile: resolve(conn.clientKey), keyData: undefined };
  return user;
}

/**
 * Builds the KubeConfig for the given flags and environment (see the module
 * comment for the precedence). Throws, with the file or context named, when a
 * kubeconfig cannot be read or parsed, a context/cluster/user is missing, or
 * nothing at all says where the API server is.
 *
 * @param env usually `process.env`; tests pass their own.
 * @param serviceAccountDir where the in-cluster token and CA are looked for.
 */
export function buildKubeConfig(conn: KubeConnection, env: KubeEnv, serviceAccountDir = SERVICE_ACCOUNT_DIR): KubeConfig {
  const merged = loadAndMerge(conn, env);
  let { contextName, cluster, user, namespace } = selectContext(merged, conn.context);
  if (!cluster && !conn.server) {
    const ic = inCluster(env, serviceAccountDir);
    if (!ic) {
      throw new Error(
        `no Kubernetes API server configured: ${where(merged)} selects no context, and this is not a pod with a service account; ` +
          'pass --master (with --token) or --kubeconfig, or set KUBECONFIG',
      );
    }
    ({ cluster, user } = ic);
    contextName = IN_CLUSTER_NAME;
  }
  const finalCluster = overrideCluster(cluster, conn);
  const finalUser = overrideUser(user, conn);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [finalCluster],
    users: [finalUser],
    contexts: [{ name: contextName, cluster: finalCluster.name, user: finalUser.name, namespace }],
    currentContext: contextName,
  });
  return kc;
}

/** The API server a KubeConfig points at, for log and error messages. */
export function describeServer(kc: KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '(no API server configured)';
}
