/**
 * Where routes come from and which of them are admitted: openshift-router's
 * RouterSelection flags, plus --manifests for hosts without a cluster.
 */
import { DEFAULT_GATEWAY_CONTROLLER } from '../../gateway/gateway-class.ts';
import { DEFAULT_CLASS_CONTROLLER } from '../../ingress/ingress-class.ts';
import type { EnvTable, FlagTable } from './spec.ts';

export const DEFAULT_MANIFESTS_DIR = '/etc/router/manifests';

export const ROUTING_FLAGS = {
  '--manifests': {
    type: 'string',
    metavar: 'DIR',
    env: ['ROUTER_MANIFESTS_DIR'],
    default: DEFAULT_MANIFESTS_DIR,
    group: 'Routing sources',
    help: 'Directory of Route and EndpointSlice manifests (YAML or JSON) to serve; the source used when no Kubernetes connection is configured.',
  },
  '--resync-interval': {
    type: 'duration',
    default: '30m',
    group: 'Routing sources',
    help: 'Window of the route status contention tracker (resync/10), as upstream; watches never need resyncing here.',
  },
  '--watch-endpoints': {
    type: 'boolean',
    env: ['ROUTER_WATCH_ENDPOINTS'],
    default: 'false',
    group: 'Routing sources',
    help: 'Watch core/v1 Endpoints instead of EndpointSlices.',
  },
  '--include-udp-endpoints': { type: 'boolean', default: 'false', group: 'Routing sources', help: 'Include UDP endpoint ports.' },
  '--allow-loopback-endpoints': {
    type: 'boolean',
    env: ['ROUTER_ALLOW_LOOPBACK_ENDPOINTS'],
    default: 'false',
    group: 'Routing sources',
    help: 'Let loopback endpoint addresses from the API become servers (tests and single-host setups; logged as a warning).',
  },
  '--allow-host-endpoints': {
    type: 'boolean',
    env: ['ROUTER_ALLOW_HOST_ENDPOINTS'],
    default: 'false',
    group: 'Routing sources',
    help: "Let endpoint addresses from the API that are this host's own (any interface's, lo's included; loopback aside) become servers.",
  },
  '--endpoint-cidrs': {
    type: 'list',
    metavar: 'CIDRS',
    env: ['ROUTER_ENDPOINT_CIDRS'],
    group: 'Routing sources',
    help: 'Comma-separated IPv4 and IPv6 CIDRs (e.g. the pod network) endpoint addresses from the API must be in to become servers; empty: no restriction.',
  },
  '--enable-ingress': {
    type: 'boolean',
    env: ['ROUTER_ENABLE_INGRESS'],
    default: 'false',
    group: 'Routing sources',
    help: 'Serve networking.k8s.io/v1 Ingresses (of the IngressClasses of --ingress-class-controller, or without a class) as routes, from the API or the manifest directory; watches Services, and Secrets in the namespaces whose Ingresses name them.',
  },
  '--ingress-class-controller': {
    type: 'string',
    env: ['ROUTER_INGRESS_CLASS_CONTROLLER'],
    default: DEFAULT_CLASS_CONTROLLER,
    group: 'Routing sources',
    help: "With --enable-ingress: the IngressClass spec.controller whose Ingresses this router serves (upstream's ingress-to-route controller name by default).",
  },
  '--enable-gateway-api': {
    type: 'boolean',
    env: ['ROUTER_ENABLE_GATEWAY_API'],
    default: 'false',
    group: 'Routing sources',
    help: 'Serve Gateway API HTTPRoutes and TLSRoutes attached to the Gateways of the GatewayClasses of --gateway-controller-name, from the API or the manifest directory, and write their status; watches Services, ReferenceGrants, Namespaces, and Secrets in the namespaces whose Gateways name them. The CRDs are not installed by the router.',
  },
  '--gateway-controller-name': {
    type: 'string',
    env: ['ROUTER_GATEWAY_CONTROLLER_NAME'],
    default: DEFAULT_GATEWAY_CONTROLLER,
    group: 'Routing sources',
    help: 'With --enable-gateway-api: the GatewayClass spec.controllerName whose Gateways this router serves.',
  },
  '--name': {
    type: 'string',
    env: ['ROUTER_SERVICE_NAME'],
    default: 'public',
    group: 'Selection & admission',
    help: 'Router name, written to status.ingress[].routerName.',
  },
  '--router-canonical-hostname': {
    type: 'string',
    env: ['ROUTER_CANONICAL_HOSTNAME'],
    group: 'Selection & admission',
    help: 'Host name written to status.ingress[].routerCanonicalHostname (DNS-1123 subdomain, not an IP).',
  },
  '--update-status': {
    type: 'boolean',
    env: ['ROUTER_UPDATE_STATUS'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Write Admitted conditions to route status; when false rejections are only logged.',
  },
  '--namespace': {
    aliases: ['-n'],
    type: 'string',
    group: 'Selection & admission',
    help: 'Only watch this namespace (default: all namespaces).',
  },
  '--labels': {
    type: 'string',
    metavar: 'SELECTOR',
    env: ['ROUTE_LABELS'],
    group: 'Selection & admission',
    help: 'Label selector for routes.',
  },
  '--fields': {
    type: 'string',
    metavar: 'SELECTOR',
    env: ['ROUTE_FIELDS'],
    group: 'Selection & admission',
    help: 'Field selector for routes.',
  },
  '--project-labels': {
    type: 'string',
    metavar: 'SELECTOR',
    env: ['PROJECT_LABELS'],
    group: 'Selection & admission',
    help: 'Label selector for projects ("*" = all visible); excludes --namespace and --namespace-labels.',
  },
  '--namespace-labels': {
    type: 'string',
    metavar: 'SELECTOR',
    env: ['NAMESPACE_LABELS'],
    group: 'Selection & admission',
    help: 'Label selector for namespaces; excludes --namespace.',
  },
  '--hostname-template': {
    type: 'string',
    env: ['ROUTER_SUBDOMAIN'],
    group: 'Selection & admission',
    help: 'Host for routes without spec.host, e.g. ${name}-${namespace}.apps.example.com.',
  },
  '--router-domain': {
    type: 'string',
    env: ['ROUTER_DOMAIN'],
    group: 'Selection & admission',
    help: 'Domain appended to spec.subdomain when spec.host is empty.',
  },
  '--override-hostname': {
    type: 'boolean',
    env: ['ROUTER_OVERRIDE_HOSTNAME'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Apply --hostname-template even when spec.host is set.',
  },
  '--override-domains': {
    type: 'list',
    env: ['ROUTER_OVERRIDE_DOMAINS'],
    group: 'Selection & admission',
    help: 'Hosts in these domains are rewritten with --hostname-template.',
  },
  '--denied-domains': {
    type: 'list',
    env: ['ROUTER_DENIED_DOMAINS'],
    group: 'Selection & admission',
    help: 'Reject hosts in these domains (wins over --allowed-domains).',
  },
  '--allowed-domains': {
    type: 'list',
    env: ['ROUTER_ALLOWED_DOMAINS'],
    group: 'Selection & admission',
    help: 'If set, only admit hosts in these domains.',
  },
  '--allow-wildcard-routes': {
    type: 'boolean',
    env: ['ROUTER_ALLOW_WILDCARD_ROUTES'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Admit routes with wildcardPolicy: Subdomain.',
  },
  '--disable-namespace-ownership-check': {
    type: 'boolean',
    env: ['ROUTER_DISABLE_NAMESPACE_OWNERSHIP_CHECK'],
    default: 'false',
    group: 'Selection & admission',
    help: 'Let namespaces share a host (oldest host+path wins instead of oldest namespace).',
  },
  '--extended-validation': {
    type: 'boolean',
    env: ['EXTENDED_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Validate route certificates and keys and sanitise their PEM.',
  },
  '--allow-external-certificates': {
    type: 'boolean',
    env: ['ROUTER_ENABLE_EXTERNAL_CERTIFICATE'],
    default: 'true',
    group: 'TLS',
    help: "Serve spec.tls.externalCertificate (a kubernetes.io/tls Secret of the route's namespace, read with the router's credentials); false: such routes are rejected, saying so.",
  },
  // openshift-router's upgrade validation flags routes a later OpenShift will not serve (SHA1 certificates once);
  // since 4.16 its check finds nothing and only clears the condition it wrote before.
  '--upgrade-validation': {
    type: 'boolean',
    env: ['UPGRADE_VALIDATION'],
    default: 'true',
    group: 'Selection & admission',
    help: 'Manage the UnservableInFutureVersions route condition.',
    ignored:
      "no route router serves is unservable in a later version (SHA1 certificates are rejected at admission), so it writes no UnservableInFutureVersions condition; its status entry carries the Admitted condition alone, so one openshift-router left goes when router next writes that route's status",
  },
  '--debug-upgrade-validation-force-add-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_ADD_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: "openshift-router's test switch: add the UnservableInFutureVersions condition to every route.",
    ignored: 'router writes no UnservableInFutureVersions condition',
  },
  '--debug-upgrade-validation-force-remove-condition': {
    type: 'boolean',
    env: ['DEBUG_UPGRADE_VALIDATION_FORCE_REMOVE_CONDITION'],
    default: 'false',
    group: 'Selection & admission',
    help: "openshift-router's test switch: remove the UnservableInFutureVersions condition from every route.",
    ignored: 'router writes no UnservableInFutureVersions condition',
  },
} as const satisfies FlagTable;

export const ROUTING_ENV = {
  ROUTER_SERVICE_NAMESPACE: {
    type: 'string',
    group: 'Selection & admission',
    help: 'Namespace of the router service.',
    ignored: 'upstream only checks that it accompanies ROUTER_SERVICE_NAME',
  },
} as const satisfies EnvTable;
