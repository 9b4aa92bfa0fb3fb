import { DENY_STATUSES } from '../domain/route-options.ts';
import { BACKEND_MAPS } from './backend-maps.ts';

/**
 * Rate limits as data (upstream gives each limited backend a stick table of
 * its own, which only a reload adds). One table counts for every route,
 * keyed by client address and a hash of the route's backend name; each
 * route's limits come from maps keyed by that name, so a limit set, changed
 * or removed, on a route's own backend or a spare, is a map entry. HTTP
 * requests are counted and judged in the frontends, right after routing
 * (where the backend is known and a response can still be chosen);
 * passthrough connections in their backend. A limit of N lets N through and
 * refuses the next: the count includes the connection or request being
 * judged.
 */
export const RATE_LIMIT_TABLE = 'route_rate_limits';

/** conn_cur and conn_rate over 3 s, http_req_rate over 10 s, as upstream; 30 s without traffic forgets a client. */
export const RATE_LIMIT_TABLE_LINE = `stick-table type string len 64 size 1m expire 30s store conn_cur,conn_rate(3s),http_req_rate(10s)`;

/** The lines that count and judge, `verb` being `http-request` (frontends) or `tcp-request content` (passthrough backends). */
function limitLines(verb: string, backend: string, http: boolean): string[] {
  const { rateConcurrent, rateTcp, rateHttp, rateStatus } = BACKEND_MAPS;
  const limited = ['{ var(txn.rl_conn) -m found }', '{ var(txn.rl_tcp) -m found }', ...(http ? ['{ var(txn.rl_http) -m found }'] : [])].join(' or ');
  const overHttp = '{ var(txn.rl_http) -m found } { sc2_http_req_rate,sub(txn.rl_http) gt 0 }';
  return [
    `${verb} set-var(txn.rl_conn) ${backend},map(${rateConcurrent})`,
    `${verb} set-var(txn.rl_tcp) ${backend},map(${rateTcp})`,
    ...(http ? [`${verb} set-var(txn.rl_http) ${backend},map(${rateHttp})`] : []),
    `${verb} set-var(txn.rl_key) ${backend},xxh64 if ${limited}`,
    `${verb} track-sc2 src,concat(@,txn.rl_key) table ${RATE_LIMIT_TABLE} if { var(txn.rl_key) -m found }`,
    // Upstream's `src_conn_cur ge N` and `src_conn_rate ge N`: those counters include the connection being judged.
    `${verb} reject if { var(txn.rl_conn) -m found } { sc2_conn_cur,sub(txn.rl_conn) ge 0 }`,
    `${verb} reject if { var(txn.rl_tcp) -m found } { sc2_conn_rate,sub(txn.rl_tcp) ge 0 }`,
    ...(http
      ? [
          `${verb} set-var(txn.rl_status) ${backend},map(${rateStatus}) if ${overHttp}`,
          ...DENY_STATUSES.map((code) => `${verb} deny deny_status ${code} if { var(txn.rl_status) -m str ${code} }`),
          `${verb} reject if ${overHttp}`,
        ]
      : []),
  ];
}

/** Each HTTP frontend's, after routing: `txn.backend` names the backend the request goes to. */
export const HTTP_RATE_LIMIT_LINES = limitLines('http-request', 'var(txn.backend)', true);

/** Each passthrough backend's (spares too). */
export const TCP_RATE_LIMIT_LINES = limitLines('tcp-request content', 'be_name', false);
