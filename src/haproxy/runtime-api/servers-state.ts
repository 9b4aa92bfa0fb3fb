/** One server as the running worker has it, from `show servers state`. */
export interface ServerRuntimeState {
  backend: string;
  server: string;
  /** As haproxy prints it: IPv6 without brackets, `-` when the server has none. */
  addr: string;
  port: number;
  /** srv_admin_state bit mask: 0x01 forced maintenance (`set server state maint`), 0x04 `disabled` in the config, 0x08 drain... */
  adminState: number;
  /** srv_op_state: 0 down, 1 starting, 2 running, 3 stopping. */
  operState: number;
  /** The current (user) weight. */
  weight: number;
  /** none: declared without `check`; disabled: declared, switched off (`disable health`, or added at runtime). */
  healthCheck: 'none' | 'disabled' | 'enabled';
}

/** srv_admin_state bit set by `set server ... state maint` / `disable server`. */
export const ADMIN_FORCED_MAINT = 0x01;

const CHECK_CONFIGURED = 0x02;
const CHECK_ENABLED = 0x04;
const COLUMNS = ['be_name', 'srv_name', 'srv_addr', 'srv_port', 'srv_admin_state', 'srv_op_state', 'srv_uweight', 'srv_check_state'] as const;

/**
 * Parses `show servers state` (format version 1, the only one haproxy has
 * had since 1.6): a version line, a `# `-prefixed header naming the
 * columns, then one space-separated line per server. Columns are found by
 * header name so added columns do not shift them. Throws on anything else,
 * with haproxy's text, e.g. `Can't find backend.`.
 */
export function parseServersState(text: string): ServerRuntimeState[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const [version, header, ...rows] = lines;
  if (version?.trim() !== '1' || !header?.startsWith('# ')) throw new Error(`unexpected show servers state reply: ${JSON.stringify(text.slice(0, 200))}`);
  const names = header.slice(2).trim().split(/\s+/);
  const index = Object.fromEntries(
    COLUMNS.map((c) => {
      const i = names.indexOf(c);
      if (i === -1) throw new Error(`show servers state has no ${c} column`);
      return [c, i];
    }),
  ) as Record<(typeof COLUMNS)[number], number>;
  const states: ServerRuntimeState[] = [];
  for (const row of rows) {
    if (row.startsWith('#')) continue;
    const f = row.split(' ');
    const field = (c: (typeof COLUMNS)[number]) => {
      const v = f[index[c]];
      if (v === undefined) throw new Error(`show servers state line has no ${c}: ${JSON.stringify(row)}`);
      return v;
    };
    const num = (c: (typeof COLUMNS)[number]) => {
      const n = Number(field(c));
      if (!Number.isInteger(n)) throw new Error(`show servers state ${c} is not a number: ${JSON.stringify(row)}`);
      return n;
    };
    const check = num('srv_check_state');
    states.push({
      backend: field('be_name'),
      server: field('srv_name'),
      addr: field('srv_addr'),
      port: num('srv_port'),
      adminState: num('srv_admin_state'),
      operState: num('srv_op_state'),
      weight: num('srv_uweight'),
      healthCheck: !(check & CHECK_CONFIGURED) ? 'none' : check & CHECK_ENABLED ? 'enabled' : 'disabled',
    });
  }
  return states;
}
