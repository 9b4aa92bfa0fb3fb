import { describe, expect, test } from 'bun:test';
import { backendText } from './backend-text.ts';
import { NO_ROUTE_OPTIONS, type BackendModel, type ServerModel } from './model.ts';

const servers: ServerModel[] = [
  { name: 'ept:svc:http:10.0.0.1:8080', ip: '10.0.0.1', port: 8080, weight: 1 },
  { name: 'ept:svc:http:10.0.0.2:8080', ip: '10.0.0.2', port: 8080, weight: 0 },
];
const line = (s: ServerModel) => `${s.name} ${s.ip}:${s.port} weight ${s.weight}`;

const plain: BackendModel = {
  ...NO_ROUTE_OPTIONS,
  name: 'be_edge_http:ns:r',
  routeKey: 'ns/r',
  termination: 'edge',
  mode: 'http',
  balance: 'random',
  checkIntervalMs: 5000,
  serverTls: undefined,
  cookie: { name: 'c2', key: 'k2', secure: false, sameSite: 'None', named: false },
  allowlistAcl: false,
  servers: [],
};

// The texts the Eta template these lines replaced (templates/backend.eta, up to 4dc314c) rendered for the same backends, byte for byte.
describe('backendText', () => {
  test.each<[string, BackendModel, string]>([
    [
      'an HTTP backend with every optional line',
      {
        ...plain,
        h1CaseAdjust: true,
        allowlist: ['10.0.0.0/8'],
        allowlistAcl: true,
        rewrite: { pattern: '^/api/?(.*)$', replacement: '/\\1' },
        filterLines: ['http-request redirect code 302 location https://example.com', 'http-request set-path /x'],
        tunnelTimeoutMs: 5000,
        cookie: { name: 'c1', key: 'k1', secure: true, sameSite: 'Lax', named: false },
        headerActions: { request: [{ action: 'Set', name: 'X-A', value: "it's" }, { action: 'Delete', name: 'X-B' }], response: [{ action: 'Add', name: 'X-C', value: 'v' }] },
        servers,
      },
      "backend be_edge_http:ns:r from routes_http\n  option h1-case-adjust-bogus-server\n  balance random\n  tcp-request content reject if !{ src -f acl/allowlist-6070064b463aa91a7e2781ee.acl }\n  http-request replace-path '^/api/?(.*)$' '/\\1'\n  http-request redirect code 302 location https://example.com\n  http-request set-path /x\n  cookie c1 insert indirect nocache httponly secure attr SameSite=Lax dynamic\n  dynamic-cookie-key k1\n  http-request set-header 'X-A' 'it'\\''s'\n  http-request del-header 'X-B'\n  http-response add-header 'X-C' 'v'\n  server ept:svc:http:10.0.0.1:8080 10.0.0.1:8080 weight 1\n  server ept:svc:http:10.0.0.2:8080 10.0.0.2:8080 weight 0\n",
    ],
    [
      'a passthrough backend: its tunnel timeout as a line, no cookie',
      { ...plain, name: 'be_tcp:ns:p', termination: 'passthrough', mode: 'tcp', balance: 'source', tunnelTimeoutMs: 7000, cookie: undefined, servers: servers.slice(0, 1) },
      'backend be_tcp:ns:p from routes_tcp\n  balance source\n  timeout tunnel 7000ms\n  server ept:svc:http:10.0.0.1:8080 10.0.0.1:8080 weight 1\n',
    ],
    [
      'an HTTP backend without servers or options',
      plain,
      'backend be_edge_http:ns:r from routes_http\n  balance random\n  cookie c2 insert indirect nocache httponly dynamic\n  dynamic-cookie-key k2\n',
    ],
  ])('%s', (_, backend, text) => {
    expect(backendText(backend, line)).toBe(text);
  });
});
