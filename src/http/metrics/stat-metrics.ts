/** haproxy's `show stat` rows as openshift-router's haproxy_frontend_*, haproxy_backend_* and haproxy_server_* metrics. */
import { STAT_COLUMN, STAT_TYPE, type StatRow } from '../../haproxy/runtime-api/show-stat.ts';
import { Exposition, labelText, withLabel, type Labels } from './exposition.ts';
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

/** Takes rows one at a time, so a large reading can be turned into metrics in slices, between which commits run. */
export class StatMetricsBuilder {
  private readonly exported: Readonly<Record<Section, Selected[]>>;
  private readonly proxies = new Exposition();
  private readonly servers = new Exposition();
  private rows = 0;
  private serverCount = 0;
  private parseFailures = 0;
  private maxConnections: number | undefined;

  constructor(private readonly opts: StatMetricsOptions) {
    this.exported = { frontend: selected('frontend', opts.columns), backend: selected('backend', opts.columns), server: selected('server', opts.columns) };
  }

  add(row: StatRow): void {
    const proxy = row[STAT_COLUMN.proxy] ?? '';
    switch (row[STAT_COLUMN.type]) {
      case STAT_TYPE.frontend: {
        const limit = Number(row[6]);
        if (proxy === 'public' && row[6] !== '' && Number.isInteger(limit)) this.maxConnections = limit;
        return this.write(this.proxies, 'frontend', row, { frontend: proxy });
      }
      case STAT_TYPE.backend: {
        const labels = backendLabels(proxy, this.opts.routeOf);
        return labels && this.write(this.proxies, 'backend', row, labels);
      }
      case STAT_TYPE.server: {
        this.serverCount++;
        const backend = backendLabels(proxy, this.opts.routeOf);
        if (backend && this.serverCount <= this.opts.serverThreshold) this.write(this.servers, 'server', row, serverLabels(row[STAT_COLUMN.service] ?? '', backend));
      }
    }
  }

  result(): StatMetrics {
    const text = this.proxies.text() + (this.serverCount > this.opts.serverThreshold ? '' : this.servers.text());
    return { text, rows: this.rows, servers: this.serverCount, parseFailures: this.parseFailures, maxConnections: this.maxConnections };
  }

  private write(e: Exposition, section: Section, row: StatRow, labels: Labels): void {
    this.rows++;
    const text = labelText(labels);
    for (const { column, name, metric } of this.exported[section]) {
      const field = row[column];
      if (field === undefined || field === '') continue;
      const value = column === STAT_COLUMN.status ? statusValue(field) : Number(field);
      if (!Number.isInteger(value)) {
        this.parseFailures++;
        continue;
      }
      e.declare(name, metric.type, metric.help);
      e.sampleWith(name, metric.code === undefined ? text : withLabel(text, 'code', metric.code), value);
    }
  }
}

export function statMetrics(rows: readonly StatRow[], opts: StatMetricsOptions): StatMetrics {
  const builder = new StatMetricsBuilder(opts);
  for (const row of rows) builder.add(row);
  return builder.result();
}
