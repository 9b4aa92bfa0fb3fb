/**
 * Which `show stat` column becomes which metric, with openshift-router's
 * names and help texts (pkg/router/metrics/haproxy), so its dashboards and
 * alerts work unchanged. Counters restart from zero when haproxy reloads
 * (rate() and increase() account for that); upstream adds the values it read
 * just before each reload instead, and types them all as gauges.
 */
import type { MetricType } from './exposition.ts';

export interface ColumnMetric {
  /** Without the `haproxy_<frontend|backend|server>_` prefix. */
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  /** HTTP response classes are one family with a `code` label. */
  readonly code?: string;
}

const gauge = (name: string, help: string): ColumnMetric => ({ name, help, type: 'gauge' });
const counter = (name: string, help: string): ColumnMetric => ({ name, help, type: 'counter' });
const responses = (code: string): ColumnMetric => ({ name: 'http_responses_total', help: 'Total of HTTP responses.', type: 'counter', code });

const RESPONSE_COLUMNS = { 39: responses('1xx'), 40: responses('2xx'), 41: responses('3xx'), 42: responses('4xx'), 43: responses('5xx'), 44: responses('other') };

const SESSIONS = {
  4: gauge('current_sessions', 'Current number of active sessions.'),
  5: gauge('max_sessions', 'Maximum observed number of active sessions.'),
  6: gauge('limit_sessions', 'Configured session limit.'),
  8: counter('bytes_in_total', 'Current total of incoming bytes.'),
  9: counter('bytes_out_total', 'Current total of outgoing bytes.'),
  33: gauge('current_session_rate', 'Current number of sessions per second over last elapsed second.'),
};

export const FRONTEND_COLUMNS: Readonly<Record<number, ColumnMetric>> = {
  ...SESSIONS,
  10: counter('requests_denied_total', 'Total of requests denied for security.'),
  12: counter('request_errors_total', 'Total of request errors.'),
  34: gauge('limit_session_rate', 'Configured limit on new sessions per second.'),
  35: gauge('max_session_rate', 'Maximum observed number of sessions per second.'),
  ...RESPONSE_COLUMNS,
  48: counter('http_requests_total', 'Total HTTP requests.'),
  79: counter('connections_total', 'Total number of connections.'),
};

const LATENCY = {
  58: gauge('http_average_queue_latency_milliseconds', 'Average latency to be dequeued of the last 1024 requests in milliseconds.'),
  59: gauge('http_average_connect_latency_milliseconds', 'Average connect latency of the last 1024 requests in milliseconds.'),
  60: gauge('http_average_response_latency_milliseconds', 'Average response latency of the last 1024 requests in milliseconds.'),
};

const PROXIED = {
  ...SESSIONS,
  7: counter('connections_total', 'Total number of connections.'),
  13: counter('connection_errors_total', 'Total of connection errors.'),
  14: counter('response_errors_total', 'Total of response errors.'),
  15: counter('retry_warnings_total', 'Total of retry warnings.'),
  16: counter('redispatch_warnings_total', 'Total of redispatch warnings.'),
  35: gauge('max_session_rate', 'Maximum observed number of sessions per second.'),
  ...RESPONSE_COLUMNS,
  ...LATENCY,
  85: counter('connections_reused_total', 'Total number of connections reused.'),
};

export const BACKEND_COLUMNS: Readonly<Record<number, ColumnMetric>> = {
  ...PROXIED,
  2: gauge('current_queue', 'Current number of queued requests not assigned to any server.'),
  3: gauge('max_queue', 'Maximum observed number of queued requests not assigned to any server.'),
  17: gauge('up', 'Current health status of the backend (1 = UP, 0 = DOWN).'),
  18: gauge('weight', 'Total weight of the servers in the backend.'),
};

export const SERVER_COLUMNS: Readonly<Record<number, ColumnMetric>> = {
  ...PROXIED,
  2: gauge('current_queue', 'Current number of queued requests assigned to this server.'),
  3: gauge('max_queue', 'Maximum observed number of queued requests assigned to this server.'),
  17: gauge('up', 'Current health status of the server (1 = UP, 0 = DOWN).'),
  18: gauge('weight', 'Current weight of the server.'),
  21: counter('check_failures_total', 'Total number of failed health checks.'),
  24: counter('downtime_seconds_total', 'Total downtime in seconds.'),
  38: gauge('check_duration_milliseconds', 'Previously run health check duration, in milliseconds'),
};

/** The status column as upstream reads it: serving (UP, UP 1/3, OPEN, no check) is 1, anything else 0. */
export function statusValue(status: string): number {
  return status === 'UP' || status.startsWith('UP ') || status === 'OPEN' || status === 'no check' ? 1 : 0;
}
