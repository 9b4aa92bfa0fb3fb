/**
 * client-node's typed API clients, sending through our transport instead of
 * the undici-based default (whose TLS settings Bun ignores).
 */
import {
  CoreV1Api,
  createConfiguration,
  CustomObjectsApi,
  DiscoveryV1Api,
  ResponseContext,
  ServerConfiguration,
  wrapHttpLibrary,
  type RequestContext,
} from '@kubernetes/client-node';
import type { KubeTransport } from './transport.ts';

/** The API clients the router uses, all bound to one transport. */
export interface KubeApi {
  customObjects: CustomObjectsApi;
  core: CoreV1Api;
  discovery: DiscoveryV1Api;
}

async function send(transport: KubeTransport, req: RequestContext): Promise<ResponseContext> {
  const body = req.getBody();
  // The generated clients send JSON strings; form bodies belong to calls the router never makes.
  if (body !== undefined && typeof body !== 'string') throw new Error('only string request bodies are supported');
  const signal = req.getSignal();
  const res = await transport.kubeFetch(req.getUrl(), {
    method: req.getHttpMethod(),
    headers: req.getHeaders(),
    ...(body !== undefined ? { body } : {}),
    ...(signal ? { signal } : {}),
  });
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return new ResponseContext(res.status, headers, {
    text: () => res.text(),
    binary: async () => Buffer.from(await res.arrayBuffer()),
    stream: () => res.body,
  });
}

/**
 * Creates the API clients on `transport`. Credentials are added by the
 * transport, so the configuration has no auth methods of its own.
 */
export function createKubeApi(transport: KubeTransport): KubeApi {
  const config = createConfiguration({
    baseServer: new ServerConfiguration(transport.server, {}),
    httpApi: wrapHttpLibrary({ send: (req) => send(transport, req) }),
  });
  return {
    customObjects: new CustomObjectsApi(config),
    core: new CoreV1Api(config),
    discovery: new DiscoveryV1Api(config),
  };
}
