/** The default certificate and CA, and how the TLS binds negotiate. */
import { TLS_VERSIONS } from '../../options.ts';
import type { EnvTable, FlagTable } from './spec.ts';

export const TLS_FLAGS = {
  '--default-certificate': {
    type: 'string',
    metavar: 'PEM',
    env: ['DEFAULT_CERTIFICATE'],
    group: 'TLS',
    help: 'Default certificate and key (PEM contents) for routes without their own.',
  },
  '--default-certificate-path': {
    type: 'string',
    metavar: 'PATH',
    env: ['DEFAULT_CERTIFICATE_PATH'],
    group: 'TLS',
    help: 'PEM file with the default certificate and key.',
  },
  '--default-certificate-dir': {
    type: 'string',
    metavar: 'DIR',
    env: ['DEFAULT_CERTIFICATE_DIR'],
    group: 'TLS',
    help: 'Directory with tls.crt (and tls.key) for the default certificate, followed while the router runs.',
  },
  '--default-destination-ca-path': {
    type: 'string',
    metavar: 'PATH',
    env: ['DEFAULT_DESTINATION_CA_PATH'],
    default: '/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt',
    group: 'TLS',
    help: 'CA bundle for reencrypt routes without destinationCACertificate.',
  },
  '--ciphers': {
    type: 'string',
    metavar: 'modern|intermediate|old|LIST',
    env: ['ROUTER_CIPHERS'],
    default: 'intermediate',
    group: 'TLS',
    help: 'TLS cipher set, or an explicit colon-separated list.',
  },
  '--strict-sni': {
    type: 'boolean',
    env: ['ROUTER_STRICT_SNI'],
    default: 'false',
    group: 'TLS',
    help: 'Refuse TLS handshakes whose SNI matches no certificate instead of using the default one.',
  },
  '--tls-ticket-key-interval': {
    type: 'duration',
    env: ['ROUTER_TLS_TICKET_KEY_INTERVAL'],
    default: '1h',
    min: 1000,
    group: 'TLS',
    help: 'How often TLS session-ticket keys are rotated while running; a ticket resumes for one to two intervals.',
  },
} as const satisfies FlagTable;

export const TLS_ENV = {
  SSL_MIN_VERSION: { type: 'enum', choices: TLS_VERSIONS, default: 'TLSv1.2', group: 'TLS', help: 'ssl-min-ver of the TLS binds.' },
  SSL_MAX_VERSION: { type: 'enum', choices: TLS_VERSIONS, group: 'TLS', help: 'ssl-max-ver of the TLS binds.' },
  ROUTER_CIPHERSUITES: { type: 'string', group: 'TLS', help: 'TLS 1.3 cipher suites (ssl-default-bind-ciphersuites).' },
  ROUTER_DISABLE_HTTP2: { type: 'boolean', default: 'false', group: 'TLS', help: 'Do not offer HTTP/2 by ALPN.' },
} as const satisfies EnvTable;
