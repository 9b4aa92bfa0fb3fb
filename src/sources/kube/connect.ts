import { createKubeApi, type KubeApi } from '../../kube-client/api.ts';
import { buildKubeConfig, describeServer } from '../../kube-client/kube-config.ts';
import { createTransport } from '../../kube-client/transport.ts';
import { KubeWatch } from '../../kube-client/watch.ts';
import type { Logger } from '../../log.ts';
import type { IngressOptions, RoutingSource } from '../../options.ts';
import { KubeSource } from './kube-source.ts';

export interface KubeConnectionHandles {
  source: KubeSource;
  api: KubeApi;
}

/**
 * Builds the API connection (kubeconfig, flags, in-cluster) and the source on
 * it. Nothing is contacted yet: connection problems surface as retried,
 * logged errors once the source starts.
 */
export function connectKube(
  source: Extract<RoutingSource, { kind: 'kubernetes' }>,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
  onRouteChanged?: (key: string) => void,
  ingress?: IngressOptions & { onIngressChanged: (key: string) => void; onProblems?: (key: string, problems: readonly string[]) => void },
  gateway?: { controllerName: string; httpPort: number; httpsPort: number; onObjectChanged: () => void },
): KubeConnectionHandles {
  const kc = buildKubeConfig(source.connection, env);
  const transport = createTransport(kc, { requestTimeoutMs: source.connection.requestTimeoutMs });
  logger.withTag('kube').info(`watching routes${ingress ? ', Ingresses' : ''}${gateway ? ', Gateway API routes' : ''} on ${describeServer(kc)}${source.namespace ? ` in namespace ${source.namespace}` : ''}`);
  return {
    api: createKubeApi(transport),
    source: new KubeSource({
      transport,
      watch: new KubeWatch(transport),
      logger,
      namespace: source.namespace,
      routeLabels: source.routeLabels,
      routeFields: source.routeFields,
      namespaceLabels: source.namespaceLabels,
      projectLabels: source.projectLabels,
      watchEndpoints: source.watchEndpoints,
      externalCertificates: source.externalCertificates,
      ...(onRouteChanged ? { onRouteChanged } : {}),
      ...(ingress ? { ingress: { controller: ingress.classController, onIngressChanged: ingress.onIngressChanged, ...(ingress.onProblems ? { onProblems: ingress.onProblems } : {}) } } : {}),
      ...(gateway ? { gateway } : {}),
    }),
  };
}
