/**
 * haproxy's statistics for /metrics, read so that scrapes cannot load the
 * data plane: at most one `show stat` at a time, over its own connection,
 * bounded by a timeout, and at most once per interval that grows with the
 * size of the reply (openshift-router's rule: (rows / 1000 + 1) x the base
 * interval); scrapes in between get the last reading's text.
 */
import { errorMessage } from '../../errors.ts';
import { parseStatLine, showStatLines } from '../../haproxy/runtime-api/show-stat.ts';
import type { Logger } from '../../log.ts';
import type { StatsScrapeOptions } from '../../options.ts';
import { Exposition } from './exposition.ts';
import type { RouteOfBackend } from './stat-labels.ts';
import { StatMetricsBuilder, type StatMetrics } from './stat-metrics.ts';

/** Rows turned into metrics between two turns of the event loop: a large reading must not hold commits up. */
const ROWS_PER_SLICE = 1000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface HaproxyStatsDeps {
  /** The text of `show stat`. */
  read(): Promise<string>;
  scrape: StatsScrapeOptions;
  /** The running model's view of which route each backend serves, as of now. */
  routeOf(): RouteOfBackend;
  /**
   * The connection limit the worker runs: the running model's, which
   * follows `set maxconn global` (plan/plan.ts) where the frontends keep
   * the limit they loaded with; without one, the public frontend's limit as
   * `show stat` gives it.
   */
  maxConnections?(): number | undefined;
  logger: Logger;
  now?: () => number;
}

export class HaproxyStats {
  private readonly now: () => number;
  private readonly columns: ReadonlySet<number>;
  private text = '';
  private lastRead = Number.NEGATIVE_INFINITY;
  private intervalMs = 0;
  private reading: Promise<string> | undefined;
  private scrapes = 0;
  private parseFailures = 0;
  private up = false;
  private last: StatMetrics | undefined;

  constructor(private readonly deps: HaproxyStatsDeps) {
    this.now = deps.now ?? Date.now;
    this.columns = new Set(deps.scrape.columns);
  }

  /** The haproxy_* metrics as text: the last reading's, or a new one when the interval has passed. */
  metrics(): Promise<string> {
    if (this.reading) return this.reading;
    if (this.now() - this.lastRead < this.intervalMs) return Promise.resolve(this.text);
    this.reading = this.refresh().finally(() => (this.reading = undefined));
    return this.reading;
  }

  private async refresh(): Promise<string> {
    this.lastRead = this.now();
    this.scrapes++;
    try {
      const lines = showStatLines(await this.deps.read());
      const builder = new StatMetricsBuilder({ columns: this.columns, serverThreshold: this.deps.scrape.serverThreshold, routeOf: this.deps.routeOf() });
      for (let i = 0; i < lines.length; i++) {
        if (i > 0 && i % ROWS_PER_SLICE === 0) await nextTurn();
        const row = parseStatLine(lines[i] ?? '');
        if (row) builder.add(row);
        else this.parseFailures++;
      }
      this.last = builder.result();
      this.parseFailures += this.last.parseFailures;
      this.intervalMs = Math.round((this.last.rows / 1000 + 1) * this.deps.scrape.baseIntervalMs);
      this.up = true;
    } catch (err) {
      this.deps.logger.debug(`cannot read haproxy's statistics: ${errorMessage(err)}`);
      this.up = false;
    }
    this.text = this.meta() + (this.up && this.last ? this.last.text : '');
    return this.text;
  }

  private meta(): string {
    const e = new Exposition();
    const gauge = (name: string, help: string, value: number | undefined) => {
      e.declare(name, 'gauge', help);
      if (value !== undefined) e.sample(name, {}, value);
    };
    gauge('haproxy_up', 'Was the last scrape of haproxy successful.', this.up ? 1 : 0);
    e.declare('haproxy_exporter_total_scrapes', 'counter', 'Current total HAProxy scrapes.');
    e.sample('haproxy_exporter_total_scrapes', {}, this.scrapes);
    e.declare('haproxy_exporter_csv_parse_failures', 'counter', 'Number of errors while parsing CSV.');
    e.sample('haproxy_exporter_csv_parse_failures', {}, this.parseFailures);
    gauge('haproxy_exporter_scrape_interval', 'The time in seconds before another scrape is allowed, proportional to size of data.', this.intervalMs / 1000);
    e.declare('haproxy_exporter_server_threshold', 'gauge', 'Number of servers tracked and the current threshold value.');
    e.sample('haproxy_exporter_server_threshold', { type: 'current' }, this.last?.servers ?? 0);
    e.sample('haproxy_exporter_server_threshold', { type: 'limit' }, this.deps.scrape.serverThreshold);
    gauge('haproxy_max_connections', 'Maximum number of concurrent connections configured for the HAProxy process.', this.deps.maxConnections?.() ?? this.last?.maxConnections);
    return e.text();
  }
}
