import type { RouterOptions } from '../options.ts';
import { NO_HOST_ADDRESSES } from '../config/endpoint-address.ts';
import { apiEndpointFilter, trustedEndpointFilter } from './endpoint-filter.ts';
import type { Source } from '../domain/events.ts';
import type { Logger } from '../log.ts';
import { GatewayStatusWriter } from '../status/gateway-status-writer.ts';
import { IngressEventWriter } from '../status/ingress-events.ts';
import { IngressStatusWriter } from '../status/ingress-status-writer.ts';
import { loadBalancerIdentity } from '../status/load-balancer-status.ts';
import { StatusWriter } from '../status/status-writer.ts';
import type { WriteGate } from '../status/write-gate.ts';
import { gatewayAddress } from '../gateway/gateway-status.ts';
import { followHostAddresses } from './host-addresses.ts';
import { connectKube } from './kube/connect.ts';
import { ManifestSource } from './manifest/manifest-source.ts';

/** A manifest source on `dir` serving what the options ask for (Ingresses, Gateway API routes). */
export function manifestSource(dir: string, options: RouterOptions, logger: Logger): ManifestSource {
  const ingress = options.ingress && { controller: options.ingress.classController };
  const gateway = options.gatewayApi && { controllerName: options.gatewayApi.controllerName, httpPort: options.listen.httpPort, httpsPort: options.listen.httpsPort };
  return new ManifestSource({ dir, logger: logger.withTag('manifests'), ...(ingress ? { ingress } : {}), ...(gateway ? { gateway } : {}) });
}

/**
 * The source the options name, the endpoint policy that goes with it, and the status writers when there are any,
 * which start their writes only while `statusGate` is open.
 */
export function createSource(options: RouterOptions, logger: Logger, env: Readonly<Record<string, string | undefined>> | undefined, requestCommit: () => void, statusGate: WriteGate) {
  const src = options.source;
  const endpointLog = logger.withTag('endpoints');
  if (src.kind === 'manifests') {
    // The manifest directory is written by the host's admin: any address haproxy reads as we do, loopback and host's included.
    const source = manifestSource(src.dir, options, logger);
    return { source: source as Source, allowAddress: trustedEndpointFilter(endpointLog), status: undefined, ingressStatus: undefined, ingressEvents: undefined, gatewayStatus: undefined, hostAddresses: undefined };
  }
  if (src.allowLoopbackEndpoints) logger.warn('--allow-loopback-endpoints: endpoints from the API may point at this host\'s own loopback ports');
  if (src.allowHostEndpoints) logger.warn('--allow-host-endpoints: endpoints from the API may point at this host\'s own addresses');
  let status: StatusWriter | undefined;
  let ingressStatus: IngressStatusWriter | undefined;
  let ingressEvents: IngressEventWriter | undefined;
  let gatewayStatus: GatewayStatusWriter | undefined;
  const onIngressChanged = (key: string) => ingressStatus?.recheck(key);
  const onProblems = (key: string, problems: readonly string[]) => ingressEvents?.conversion(key, problems);
  const gateway = options.gatewayApi && {
    controllerName: options.gatewayApi.controllerName,
    httpPort: options.listen.httpPort,
    httpsPort: options.listen.httpsPort,
    onObjectChanged: () => gatewayStatus?.recheck(),
  };
  const kube = connectKube(src, env ?? process.env, logger, (key) => status?.recheck(key), options.ingress && { ...options.ingress, onIngressChanged, onProblems }, gateway);
  const identity = loadBalancerIdentity(options.status.canonicalHostname, options.listen.bindAddress);
  if (options.status.update && kube.source.ingress && identity === undefined) {
    logger.warn('Ingress status is not written: it needs --router-canonical-hostname or a --bind-address of one address to name where clients reach the router');
  }
  if (options.status.update && kube.source.ingress && identity) {
    ingressStatus = new IngressStatusWriter({ api: kube.api.customObjects, records: kube.source.ingress, identity, contentionWindowMs: options.status.contentionWindowMs, logger, gate: statusGate });
  }
  if (options.status.update && kube.source.ingress) {
    // What is not served of an Ingress, for its owner: Events, as upstream's ingress-to-route controller records them.
    ingressEvents = new IngressEventWriter({ api: kube.api.core, records: kube.source.ingress, logger, gate: statusGate });
  }
  if (options.status.update && kube.source.gateway && options.gatewayApi) {
    const address = gatewayAddress(options.status.canonicalHostname, options.listen.bindAddress);
    gatewayStatus = new GatewayStatusWriter({ api: kube.api.customObjects, watch: kube.source.gateway, controllerName: options.gatewayApi.controllerName, address, logger, gate: statusGate });
  }
  if (options.status.update) {
    status = new StatusWriter({
      api: kube.api.customObjects,
      records: kube.source,
      identity: { routerName: options.routerName, canonicalHostname: options.status.canonicalHostname },
      contentionWindowMs: options.status.contentionWindowMs,
      logger,
      gate: statusGate,
    });
  }
  const hostAddresses = src.allowHostEndpoints ? undefined : followHostAddresses({ logger: endpointLog, onChange: requestCommit });
  const allowAddress = apiEndpointFilter({
    policy: { allowLoopback: src.allowLoopbackEndpoints, allowHost: src.allowHostEndpoints, cidrs: src.endpointCidrs },
    host: hostAddresses?.current ?? (() => NO_HOST_ADDRESSES),
    logger: endpointLog,
  });
  return { source: kube.source as Source, allowAddress, status, ingressStatus, ingressEvents, gatewayStatus, hostAddresses };
}

