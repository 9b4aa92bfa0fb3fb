import { checkServers } from '../../src/config/check-servers.ts';
import { NO_ROUTE_OPTIONS, type BackendModel, type ConfigModel, type ServerModel } from '../../src/config/model.ts';
import { settings } from './fixtures.ts';

/** Config-model builders for planner tests: every field defaulted, override what a test is about. */
export const server = (name: string, more: Partial<ServerModel> = {}): ServerModel => ({ name, ip: '10.0.0.1', port: 8080, weight: 1, ...more });

export const backend = (name: string, servers: ServerModel[], more: Partial<BackendModel> = {}): BackendModel => ({
  name,
  routeKey: `ns/${name}`,
  termination: 'http',
  mode: 'http',
  balance: 'random',
  checkIntervalMs: 5000,
  serverTls: undefined,
  cookie: undefined,
  ...NO_ROUTE_OPTIONS,
  allowlistAcl: false,
  servers,
  ...more,
});

/** The check servers default to what a fresh load of the backends renders. */
export const model = (backends: BackendModel[], more: Partial<ConfigModel> = {}): ConfigModel => ({
  settings: settings(),
  backends,
  checks: checkServers(backends, settings()),
  maps: {
    'os_http_be.map': [{ key: 'a.example.com', value: 'be_http:ns:a' }],
    'os_http_be_prefix.map': [],
    'os_edge_reencrypt_be.map': [],
    'os_edge_reencrypt_be_prefix.map': [],
    'os_http_be_hosts.map': [], 'os_edge_reencrypt_be_hosts.map': [], 'os_sni_passthrough.map': [],
  },
  matchRules: [],
  crtList: [],
  sniFrontends: [],
  certificates: [],
  defaultCertificate: '',
  ...more,
});
