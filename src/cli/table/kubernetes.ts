/** How to reach the API server: client-go's override flags, as openshift-router binds them. */
import type { FlagTable } from './spec.ts';

export const KUBERNETES_FLAGS = {
  '--config': {
    type: 'string',
    metavar: 'PATH',
    env: ['KUBECONFIG'],
    ambientEnv: true,
    group: 'Kubernetes connection',
    help: 'kubeconfig file.',
  },
  '--server': {
    aliases: ['-s', '--master', '--kubernetes'],
    type: 'string',
    metavar: 'URL',
    env: ['KUBERNETES_MASTER'],
    ambientEnv: true,
    group: 'Kubernetes connection',
    help: 'Address of the Kubernetes API server.',
  },
  '--context': { type: 'string', group: 'Kubernetes connection', help: 'kubeconfig context to use.' },
  '--token': { type: 'string', group: 'Kubernetes connection', help: 'Bearer token for the API server (visible in the process list: prefer --token-file).' },
  '--token-file': {
    type: 'string',
    metavar: 'PATH',
    env: ['ROUTER_TOKEN_FILE'],
    group: 'Kubernetes connection',
    help: 'File holding the bearer token for the API server, re-read every minute so rotated tokens keep working.',
  },
  '--certificate-authority': {
    type: 'string',
    metavar: 'PATH',
    group: 'Kubernetes connection',
    help: 'CA file for the API server certificate.',
  },
  '--client-certificate': { type: 'string', metavar: 'PATH', group: 'Kubernetes connection', help: 'Client certificate file for TLS.' },
  '--client-key': { type: 'string', metavar: 'PATH', group: 'Kubernetes connection', help: 'Client key file for TLS.' },
  '--insecure-skip-tls-verify': {
    type: 'boolean',
    default: 'false',
    group: 'Kubernetes connection',
    help: 'Do not verify the API server certificate.',
  },
  '--request-timeout': {
    type: 'duration',
    default: '0',
    group: 'Kubernetes connection',
    help: 'Timeout of a single API request (0 = none).',
  },
} as const satisfies FlagTable;
