/** haproxy's `show stat` rows as openshift-router's haproxy_frontend_*, haproxy_backend_* and haproxy_server_* metrics. */
import { STAT_COLUMN, STAT_TYPE, type StatRow } from '../../haproxy/runtime-api/show-stat.ts';
import { Exposition, type Labels } from './exposition.ts';
import { BACKEND_COLUMNS, FRONTEND_COLUMNS, SERVER_COLUMNS, statusValue, type ColumnMetric } from './stat-columns.ts';
import { backendLabels, serverLabels, type RouteOfBackend } from './stat-labels.ts';

export interface StatMetricsOptions {
  /** The exported columns (ROUTER_METRICS_HAPROXY_EXPORTED). */
  columns: ReadonlySet<number>;
  /** Above this many servers, server metrics are left out (ROUTER_METRICS_HAPROXY_SERVER_THRESHOLD). */
  serverThreshold: number;
  routeOf: RouteOfBackend;
}

export interface StatMetrics {
  /** The samples, ready to print. */
  text: string;
  /** Rows turned into samples (servers past the threshold are not): what the next reading's delay grows with. */
  rows: number;
  servers: number;
  /** Values that are not integers. */
  parseFailures: number;
  /** maxconn, as the public frontend's session limit shows it. */
  maxConnections: number | undefined;
}

type Section = 'frontend' | 'backend' | 'server';

const COLUMNS: Readonly<Record<Section, Readonly<Record<number, ColumnMetric>>>> = {
  frontend: FRONTEND_COLUMNS,
  backend: BACKEND_COLUMNS,
  server: SERVER_COLUMNS,
};

interface Selected {
  column: number;
  name: string;
  metric: ColumnMetric;
}

function selected(section: Section, columns: ReadonlySet<number>): Selected[] {
  return Object.entries(COLUMNS[section])
    .map(([column, metric]) => ({ column: Number(column), name: `haproxy_${section}_${metric.name}`, metric }))
    .filter((c) => columns.has(c.column));
}

export function statMetrics(rows: readonly StatRow[], opts: StatMetricsOptions): StatMetrics {
  const exported = { frontend: selected('frontend', opts.columns), backend: selected('backend', opts.columns), server: selected('server', opts.columns) };
  const proxies = new Exposition();
  const servers = new Exposition();
  let parseFailures = 0;
  let counted = 0;
  let serverCount = 0;
  let maxConnections: number | undefined;
  const write = (e: Exposition, section: Section, row: StatRow, labels: Labels) => {
    counted++;
    for (const { column, name, metric } of exported[section]) {
      const text = row[column];
      if (text === undefined || text === '') continue;
      const value = column === STAT_COLUMN.status ? statusValue(text) : /^-?[0-9]+$/.test(text) ? Number(text) : undefined;
      if (value === undefined) {
        parseFailures++;
        continue;
      }
      e.declare(name, metric.type, metric.help);
      e.sample(name, metric.code === undefined ? labels : { ...labels, code: metric.code }, value);
    }
  };
  for (const row of rows) {
    const proxy = row[STAT_COLUMN.proxy] ?? '';
    switch (row[STAT_COLUMN.type]) {
      case STAT_TYPE.frontend: {
        const limit = Number(row[6]);
        if (proxy === 'public' && row[6] !== '' && Number.isInteger(limit)) maxConnections = limit;
        write(proxies, 'frontend', row, { frontend: proxy });
        break;
      }
      case STAT_TYPE.backend: {
        const labels = backendLabels(proxy, opts.routeOf);
        if (labels) write(proxies, 'backend', row, labels);
        break;
      }
      case STAT_TYPE.server: {
        serverCount++;
        const backend = backendLabels(proxy, opts.routeOf);
        if (backend && serverCount <= opts.serverThreshold) write(servers, 'server', row, serverLabels(row[STAT_COLUMN.service] ?? '', backend));
        break;
      }
    }
  }
  const text = proxies.text() + (serverCount > opts.serverThreshold ? '' : servers.text());
  return { text, rows: counted, servers: serverCount, parseFailures, maxConnections };
}
