import { describe, expect, test } from 'bun:test';
import { labelsAndValue, parseExposition } from '../../../test/support/prometheus.ts';
import { SHOW_STAT_2_6 } from '../../../test/support/show-stat-sample.ts';
import { MIN_STAT_COLUMNS, parseShowStat, STAT_TYPE, type StatRow } from '../../haproxy/runtime-api/show-stat.ts';
import { backendLabels, serverLabels, type RouteOfBackend } from './stat-labels.ts';
import { statMetrics } from './stat-metrics.ts';

const DEFAULT_COLUMNS = new Set([2, 4, 5, 7, 8, 9, 13, 14, 17, 21, 24, 33, 35, 39, 40, 41, 42, 43, 44, 58, 59, 60, 79, 85]);
const unknownModel: RouteOfBackend = () => undefined;

/** A row with the columns given set, as haproxy would print it. */
function row(proxy: string, service: string, type: string, columns: Record<number, string> = {}): StatRow {
  const fields = Array.from({ length: MIN_STAT_COLUMNS + 10 }, () => '');
  fields[0] = proxy;
  fields[1] = service;
  fields[32] = type;
  for (const [i, v] of Object.entries(columns)) fields[Number(i)] = v;
  return fields;
}

describe('backendLabels', () => {
  const model: RouteOfBackend = (name) => ({ 'be_http:_spare:3': 'shop/cart', 'be_http:_spare:4': '', 'be_tcp:db:pg': 'db/pg' })[name];
  test.each([
    ['a route backend by its name', 'be_http:ns1:r1', unknownModel, { backend: 'http', namespace: 'ns1', route: 'r1' }],
    ['edge', 'be_edge_http:ns:a', unknownModel, { backend: 'https-edge', namespace: 'ns', route: 'a' }],
    ['reencrypt', 'be_secure:ns:a', unknownModel, { backend: 'https', namespace: 'ns', route: 'a' }],
    ['a spare serving a route, by the model', 'be_http:_spare:3', model, { backend: 'http', namespace: 'shop', route: 'cart' }],
    ['passthrough, by the model', 'be_tcp:db:pg', model, { backend: 'tcp', namespace: 'db', route: 'pg' }],
    ['a free spare', 'be_http:_spare:4', model, undefined],
    ['a spare the model does not know', 'be_http:_spare_rr:1', unknownModel, undefined],
    ['a frontend helper backend', 'be_sni', unknownModel, { backend: 'other/be_sni', namespace: '', route: '' }],
    ['the default backend', 'openshift_default', unknownModel, { backend: 'other/openshift_default', namespace: '', route: '' }],
  ])('%s', (_name, proxy, routeOf, labels) => {
    expect(backendLabels(proxy, routeOf)).toEqual(labels);
  });
});

describe('serverLabels', () => {
  const backend = { backend: 'http', namespace: 'ns', route: 'r' };
  test.each([
    ['a pod endpoint', 'pod:web-1:web:http:10.0.0.1:8080', { server: '10.0.0.1:8080', namespace: 'ns', route: 'r', pod: 'web-1', service: 'web' }],
    ['an endpoint without a pod', 'ept:web:http:10.0.0.2:8080', { server: '10.0.0.2:8080', namespace: 'ns', route: 'r', pod: '', service: 'web' }],
    ['IPv6', 'pod:p:web::fd00::1:80', { server: 'fd00::1:80', namespace: 'ns', route: 'r', pod: 'p', service: 'web' }],
    ['a helper server', 'fe_sni', { server: 'fe_sni', namespace: 'ns', route: 'r', pod: '', service: '' }],
  ])('%s', (_name, server, labels) => {
    expect(serverLabels(server, backend)).toEqual(labels);
  });
});

describe('statMetrics', () => {
  test("haproxy 2.6's rows become upstream's families and labels", () => {
    const m = statMetrics(parseShowStat(SHOW_STAT_2_6).rows, { columns: DEFAULT_COLUMNS, serverThreshold: 500, routeOf: unknownModel });
    const families = parseExposition(m.text);
    expect(families.get('haproxy_frontend_bytes_in_total')?.samples.map(labelsAndValue)).toEqual([{ labels: { frontend: 'public' }, value: '82' }]);
    expect(families.get('haproxy_frontend_http_responses_total')?.samples.map(labelsAndValue).find((s) => s.labels.code === '5xx')).toEqual({
      labels: { frontend: 'public', code: '5xx' },
      value: '1',
    });
    expect(families.get('haproxy_backend_up')?.samples.map(labelsAndValue)).toEqual([{ labels: { backend: 'http', namespace: 'ns1', route: 'r1' }, value: '0' }]);
    expect(families.get('haproxy_server_up')?.samples.map(labelsAndValue)).toEqual([
      { labels: { server: '127.0.0.1:19999', namespace: 'ns1', route: 'r1', pod: 'p1', service: 'svc' }, value: '0' },
    ]);
    expect(families.get('haproxy_server_check_failures_total')?.type).toBe('counter');
    expect(families.get('haproxy_backend_current_queue')?.type).toBe('gauge');
    // The free spare is left out, and limit_sessions (6) is not a default column.
    expect(m.text).not.toContain('_spare');
    expect(families.has('haproxy_frontend_limit_sessions')).toBe(false);
    expect(m).toMatchObject({ rows: 3, servers: 1, parseFailures: 0, maxConnections: 9985 });
  });

  test('only the exported columns are written', () => {
    const rows = [row('public', 'FRONTEND', STAT_TYPE.frontend, { 4: '1', 6: '100', 8: '2' })];
    const m = statMetrics(rows, { columns: new Set([6]), serverThreshold: 500, routeOf: unknownModel });
    expect([...parseExposition(m.text).keys()]).toEqual(['haproxy_frontend_limit_sessions']);
  });

  test('above the server threshold, servers are counted and left out; backends stay', () => {
    const rows = [
      row('be_http:a:b', 'pod:p1:s:http:10.0.0.1:80', STAT_TYPE.server, { 17: 'UP' }),
      row('be_http:a:b', 'pod:p2:s:http:10.0.0.2:80', STAT_TYPE.server, { 17: 'UP' }),
      row('be_http:a:b', 'BACKEND', STAT_TYPE.backend, { 17: 'UP' }),
    ];
    const over = statMetrics(rows, { columns: DEFAULT_COLUMNS, serverThreshold: 1, routeOf: unknownModel });
    expect([...parseExposition(over.text).keys()]).toEqual(['haproxy_backend_up']);
    expect(over).toMatchObject({ servers: 2, rows: 2 });
    const under = statMetrics(rows, { columns: DEFAULT_COLUMNS, serverThreshold: 2, routeOf: unknownModel });
    expect(parseExposition(under.text).get('haproxy_server_up')?.samples).toHaveLength(2);
  });

  test.each([
    ['UP', '1'],
    ['UP 1/3', '1'],
    ['OPEN', '1'],
    ['no check', '1'],
    ['DOWN', '0'],
    ['DOWN 1/2', '0'],
    ['MAINT', '0'],
    ['DRAIN', '0'],
    ['NOLB', '0'],
  ])('status %j is up=%s', (status, up) => {
    const m = statMetrics([row('be_http:a:b', 'BACKEND', STAT_TYPE.backend, { 17: status })], { columns: DEFAULT_COLUMNS, serverThreshold: 5, routeOf: unknownModel });
    expect(parseExposition(m.text).get('haproxy_backend_up')?.samples[0]?.value).toBe(up);
  });

  test('a value that is not an integer is counted as a parse failure and left out', () => {
    const m = statMetrics([row('public', 'FRONTEND', STAT_TYPE.frontend, { 4: 'x', 5: '3' })], { columns: DEFAULT_COLUMNS, serverThreshold: 5, routeOf: unknownModel });
    expect(m.parseFailures).toBe(1);
    expect([...parseExposition(m.text).keys()]).toEqual(['haproxy_frontend_max_sessions']);
  });
});
