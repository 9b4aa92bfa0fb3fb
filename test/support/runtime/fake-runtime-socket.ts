import { rmSync } from 'node:fs';
import { createServer, isIP, type Server, type Socket } from 'node:net';
import { bare, EMPTY, msg, type Reply } from './fake-reply.ts';
import type { RenderedFiles } from '../../../src/config/render.ts';
import { FakeSslStore, type FakeSslSpec } from './fake-ssl-store.ts';
import { configText } from '../../../src/config/config-files.ts';

/**
 * A stand-in for a haproxy 2.6 worker's admin socket that understands the
 * commands the router sends and answers with haproxy's exact texts and
 * framing (captured from haproxy 2.6.12): in interactive mode every reply
 * is followed by the prompt `\n> `, and some messages carry their own
 * trailing newline while others do not. A line ending in `<<` starts a
 * payload that an empty line ends, and in interactive mode haproxy answers
 * that line and each payload line with `+ `.
 */

export interface FakeServerSpec {
  name: string;
  addr: string;
  port: number;
  weight: number;
  /** The server line has `check` (health check configured, and enabled at load). */
  checkDeclared: boolean;
  /** `<backend>/<server>` the server line tracks. */
  track?: string;
  /** The server line has `disabled`: in maintenance at load. */
  disabled?: boolean;
}

export interface FakeBackendSpec {
  name: string;
  /** Whether haproxy could add servers to it (its algorithm is dynamic). */
  dynamic: boolean;
  servers: FakeServerSpec[];
}

interface FakeServer {
  id: number;
  name: string;
  addr: string;
  port: number;
  weight: number;
  initialWeight: number;
  maint: boolean;
  /** Declared `disabled`: haproxy keeps that admin bit whatever happens next. */
  configDisabled: boolean;
  health: 'none' | 'disabled' | 'enabled';
  connections: number;
  /** `<backend>/<server>` it tracks. */
  track: string | undefined;
  /** Added with `add server`: haproxy lets no server track it. */
  dynamic: boolean;
  /** Once tracked by any server, haproxy never deletes it at runtime. */
  pinned: boolean;
}

interface FakeBackend {
  id: number;
  name: string;
  dynamic: boolean;
  servers: Map<string, FakeServer>;
  nextServerId: number;
}

const PROMPT = '\n> ';
const PAYLOAD_PROMPT = '+ ';
const PAYLOAD_MARK = '<<';
const STATE_HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';
/** haproxy's server-name alphabet (invalid_char in tools.c). */
const NAME_CHAR = /^[A-Za-z0-9_.:-]$/;
/** The `add server` keywords the router uses, and how many arguments each takes. */
const KEYWORD_ARGS: Record<string, number> = {
  weight: 1,
  check: 0,
  inter: 1,
  ssl: 0,
  'check-ssl': 0,
  alpn: 1,
  verify: 1,
  verifyhost: 1,
  'ca-file': 1,
  'pool-max-conn': 1,
  'pool-purge-delay': 1,
  track: 1,
};

/** Algorithms haproxy can add servers to whatever the hash type; static-rr never, the hash-based ones only when hashing consistently. */
const DYNAMIC_ALGORITHMS = new Set(['roundrobin', 'leastconn', 'first', 'random']);

/**
 * The backends a haproxy.config declares, read from its text the way
 * haproxy would take them: so the fake follows the template, whatever it
 * renders (hash type, `check` on server lines).
 */
export function fakeBackendsFromConfig(config: string): FakeBackendSpec[] {
  const specs: FakeBackendSpec[] = [];
  // A named defaults section's balance and hash type, with what it inherits (`defaults <name> [from <parent>]`).
  const defaults = new Map<string, { balance: string | undefined; consistent: boolean }>();
  for (const block of config.split(/^defaults /m).slice(1)) {
    const [header = '', ...after] = block.split('\n');
    const end = after.findIndex((l) => /^\S/.test(l));
    const rest = (end === -1 ? after : after.slice(0, end)).map((l) => l.trim());
    const [name, from, parent] = header.split(/\s+/);
    // An unnamed section (`defaults [from <parent>]`) is no backend's by name.
    if (!name || name === 'from') continue;
    const inherited = from === 'from' && parent ? defaults.get(parent) : undefined;
    defaults.set(name, {
      balance: rest.find((l) => l.startsWith('balance '))?.split(/\s+/)[1] ?? inherited?.balance,
      consistent: rest.includes('hash-type consistent') || inherited?.consistent === true,
    });
  }
  for (const block of config.split(/^backend /m).slice(1)) {
    const [header = '', ...lines] = block.split('\n').map((l) => l.trim());
    // `backend <name> [from <defaults>]`
    const [name = '', from, section] = header.split(/\s+/);
    const inherited = from === 'from' && section ? defaults.get(section) : undefined;
    const balance = lines.find((l) => l.startsWith('balance '))?.split(/\s+/)[1] ?? inherited?.balance ?? 'roundrobin';
    const algorithm = balance.split('(')[0] ?? '';
    const consistent = lines.includes('hash-type consistent') || inherited?.consistent === true;
    const servers: FakeServerSpec[] = [];
    for (const line of lines) {
      const [keyword, serverName = '', addressText = '', ...options] = line.split(/\s+/);
      if (keyword !== 'server') continue;
      const address = parseAddress(addressText) ?? { addr: addressText, port: 0 };
      const weightAt = options.indexOf('weight');
      const weight = weightAt === -1 ? 1 : Number(options[weightAt + 1]);
      const trackAt = options.indexOf('track');
      const track = trackAt === -1 ? undefined : options[trackAt + 1];
      servers.push({ name: serverName, ...address, weight, checkDeclared: options.includes('check'), track, disabled: options.includes('disabled') });
    }
    specs.push({ name, dynamic: algorithm !== 'static-rr' && (DYNAMIC_ALGORITHMS.has(algorithm) || consistent), servers });
  }
  return specs;
}

/** The ACL files a config loads (`-f <file>`, relative to the config as `default-path config` reads it), with their entries. */
export function fakeAclsFromRendered(files: RenderedFiles): Record<string, string[]> {
  const acls: Record<string, string[]> = {};
  for (const m of configText(files).matchAll(/ -f (\S+)/g)) {
    const file = m[1] ?? '';
    acls[file] = (files.get(file) ?? '').split('\n').filter((l) => l.trim() !== '');
  }
  return acls;
}

function parseAddress(text: string): { addr: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  return m?.[1] && m[2] ? { addr: m[1], port: Number(m[2]) } : undefined;
}

export class FakeRuntimeSocket {
  /** Every command line received, in order (without `prompt`/`quit`). */
  readonly received: string[] = [];
  /** Connections accepted so far. */
  connections = 0;
  private readonly backends = new Map<string, FakeBackend>();
  private readonly clients = new Set<Socket>();
  private readonly ssl: FakeSslStore;
  /** ACL file (as the config names it) -> its entries. */
  private readonly acls: Map<string, string[]>;

  private constructor(
    readonly path: string,
    private readonly server: Server,
    specs: readonly FakeBackendSpec[],
    ssl: FakeSslSpec,
    acls: Readonly<Record<string, readonly string[]>>,
  ) {
    this.ssl = new FakeSslStore(ssl);
    this.acls = new Map(Object.entries(acls).map(([file, entries]) => [file, [...entries]]));
    specs.forEach((spec, i) => {
      const backend: FakeBackend = { id: i + 1, name: spec.name, dynamic: spec.dynamic, servers: new Map(), nextServerId: 1 };
      for (const s of spec.servers) {
        backend.servers.set(s.name, {
          id: backend.nextServerId++,
          name: s.name,
          addr: s.addr,
          port: s.port,
          weight: s.weight,
          initialWeight: s.weight,
          maint: s.disabled === true,
          configDisabled: s.disabled === true,
          health: s.checkDeclared ? 'enabled' : 'none',
          connections: 0,
          track: s.track,
          dynamic: false,
          pinned: false,
        });
      }
      this.backends.set(spec.name, backend);
    });
    for (const b of this.backends.values()) {
      for (const s of b.servers.values()) {
        const tracked = s.track === undefined ? undefined : this.lookup(s.track).server;
        if (tracked) tracked.pinned = true;
      }
    }
  }

  /**
   * Listens on `path` (removed first if a previous run left it); without
   * `ssl`, no certificates and no crt-list; `acls` are the ACL files the
   * config loads (`-f <file>`), with their entries.
   */
  static async start(
    path: string,
    specs: readonly FakeBackendSpec[],
    ssl: FakeSslSpec = { bindCertificates: [], crtLists: {} },
    acls: Readonly<Record<string, readonly string[]>> = {},
  ): Promise<FakeRuntimeSocket> {
    rmSync(path, { force: true });
    let fake: FakeRuntimeSocket | undefined;
    const server = createServer((socket) => fake?.serve(socket));
    fake = new FakeRuntimeSocket(path, server, specs, ssl, acls);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, resolve);
    });
    return fake;
  }

  /** Counts a request in flight on the server (as haproxy's cur_sess) until the returned function is called. */
  holdConnection(backend: string, server: string): () => void {
    const s = this.backends.get(backend)?.servers.get(server);
    if (!s) throw new Error(`fake runtime socket: no server ${backend}/${server}`);
    s.connections++;
    let released = false;
    return () => {
      if (!released) s.connections--;
      released = true;
    };
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.path, { force: true });
  }

  private serve(socket: Socket): void {
    this.connections++;
    this.clients.add(socket);
    socket.on('close', () => this.clients.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setEncoding('utf8');
    let interactive = false;
    let input = '';
    /** The `<<` command whose payload is being gathered, and its lines so far. */
    let gathering: { line: string; payload: string[] } | undefined;
    socket.on('data', (data: string) => {
      input += data;
      let nl: number;
      while ((nl = input.indexOf('\n')) !== -1) {
        // haproxy drops a trailing \r, so a lone \r is an empty line too.
        const raw = input.slice(0, nl).replace(/\r$/, '');
        input = input.slice(nl + 1);
        let reply: Reply;
        if (gathering) {
          if (raw !== '') {
            gathering.payload.push(raw);
            if (interactive) socket.write(PAYLOAD_PROMPT);
            continue;
          }
          reply = this.execute(gathering.line, gathering.payload);
          gathering = undefined;
        } else {
          const line = raw.trim();
          if (line === 'quit') {
            socket.end();
            return;
          }
          if (line.endsWith(PAYLOAD_MARK)) {
            this.received.push(line);
            gathering = { line: line.slice(0, -PAYLOAD_MARK.length).trim(), payload: [] };
            if (interactive) socket.write(PAYLOAD_PROMPT);
            continue;
          }
          reply = EMPTY;
          if (line === 'prompt') interactive = !interactive;
          else {
            this.received.push(line);
            reply = this.execute(line, undefined);
          }
        }
        const body = reply.text + (reply.newline ? '\n' : '');
        if (interactive) {
          socket.write(body + PROMPT);
          continue;
        }
        // Outside interactive mode haproxy answers one command and closes.
        socket.end(`${body}\n`);
        return;
      }
    });
  }

  private execute(line: string, payload: readonly string[] | undefined): Reply {
    const words = line.split(/\s+/);
    const [verb, noun, target, ...rest] = words;
    if (noun === 'ssl' && verb !== undefined) return this.ssl.execute(verb, words.slice(2), payload) ?? this.unknown();
    const head = `${verb} ${noun}`;
    if (head === 'show servers' && target === 'state') return this.showServersState(rest[0]);
    if (target === undefined) return this.unknown();
    // Cookie values are not modelled (the fake proxies nothing); the commands only need their backend.
    if ((head === 'enable dynamic-cookie' && rest.length === 1) || (head === 'set dynamic-cookie-key' && rest.length === 2)) {
      return target === 'backend' && this.backends.has(rest[0] ?? '') ? EMPTY : msg('No such backend.');
    }
    switch (head) {
      case 'add acl':
        return this.addAcl(target, rest);
      case 'del acl':
        return this.delAcl(target, rest);
      case 'show acl':
        return this.showAcl(target);
      case 'add server':
        return this.addServer(target, rest);
      case 'del server':
        return this.delServer(target);
      case 'set server':
        return this.setServer(target, rest);
      case 'enable server':
      case 'disable server':
        return this.withServer(target, (s) => {
          s.maint = verb === 'disable';
          return EMPTY;
        });
      case 'enable health':
        return this.withServer(target, (s) => {
          if (s.health === 'none') return msg('Health check was not configured on this server, cannot enable.');
          s.health = 'enabled';
          return EMPTY;
        });
      case 'disable health':
        return this.withServer(target, (s) => {
          if (s.health !== 'none') s.health = 'disabled';
          return EMPTY;
        });
      default:
        return this.unknown();
    }
  }

  private unknown(): Reply {
    return msg(
      'Unknown command, but maybe one of the following ones is a better match:\n  help [<command>]                        : list matching or all commands\n  prompt                                  : toggle interactive mode with prompt\n  quit                                    : disconnect\n',
    );
  }

  private lookup(target: string): { backend?: FakeBackend; server?: FakeServer; name: string } {
    const slash = target.indexOf('/');
    const backend = this.backends.get(slash === -1 ? target : target.slice(0, slash));
    const name = slash === -1 ? '' : target.slice(slash + 1);
    return { backend, server: backend?.servers.get(name), name };
  }

  private withServer(target: string, change: (s: FakeServer, b: FakeBackend) => Reply): Reply {
    const { backend, server } = this.lookup(target);
    if (!backend) return msg('No such backend.');
    if (!server) return msg('No such server.');
    return change(server, backend);
  }

  private addServer(target: string, args: string[]): Reply {
    const { backend, server, name } = this.lookup(target);
    if (!backend) return bare('No such backend.');
    if (!backend.dynamic) return bare('Backend must use a dynamic load balancing to support dynamic servers.');
    const bad = [...name].find((c) => !NAME_CHAR.test(c));
    if (bad !== undefined) return msg(`character '${bad}' is not permitted in server name '${name}'.`);
    const [addressText, ...options] = args;
    const address = parseAddress(addressText ?? '');
    if (!address) return msg(`invalid address: '${addressText ?? ''}' in 'server ${name}'`);
    let weight = 1;
    let check = false;
    let track: string | undefined;
    for (let i = 0; i < options.length; i++) {
      const keyword = options[i] ?? '';
      if (keyword === 'cookie') return msg("'cookie' option is not accepted for dynamic server");
      const argCount = KEYWORD_ARGS[keyword];
      if (argCount === undefined) return msg(`unknown keyword '${keyword}'.`);
      if (keyword === 'weight') weight = Number(options[i + 1]);
      // haproxy cannot read a CA file from disk at runtime: it has to be in the store.
      if (keyword === 'ca-file' && !this.ssl.hasCaFile(options[i + 1] ?? '')) return msg(`'ca-file' : unable to load ${options[i + 1] ?? ''}.`);
      if (keyword === 'check') check = true;
      if (keyword === 'track') track = options[i + 1] ?? '';
      i += argCount;
    }
    if (server) return msg('Already exists a server with the same name in backend.');
    const tracked = track === undefined ? undefined : this.trackable(track);
    if (typeof tracked === 'object' && 'text' in tracked) return tracked;
    backend.servers.set(name, {
      id: backend.nextServerId++,
      name,
      ...address,
      weight,
      initialWeight: weight,
      maint: true,
      configDisabled: false,
      // Dynamic servers start with their check switched off.
      health: check ? 'disabled' : 'none',
      connections: 0,
      track,
      dynamic: true,
      pinned: false,
    });
    if (tracked) tracked.pinned = true;
    return msg('New server registered.');
  }

  /** The server `track <backend>/<server>` may follow, or haproxy's refusal. */
  private trackable(target: string): FakeServer | Reply {
    const slash = target.indexOf('/');
    const [backendName, serverName] = slash === -1 ? ['', target] : [target.slice(0, slash), target.slice(slash + 1)];
    const backend = this.backends.get(backendName);
    if (!backend) return msg(`unable to find required proxy '${backendName}' for tracking.`);
    const server = backend.servers.get(serverName);
    if (!server) return msg(`unable to find required server '${serverName}' for tracking.`);
    if (server.dynamic) return msg(`unable to use ${target} for tracking as it is a dynamic server.`);
    if (server.health === 'none') return msg(`unable to use ${target} for tracking as it does not have any check nor agent enabled.`);
    return server;
  }

  private delServer(target: string): Reply {
    const { backend, server, name } = this.lookup(target);
    if (!backend) return bare('No such backend.');
    if (!server) return bare('No such server.');
    if (!server.maint) return bare('Only servers in maintenance mode can be deleted.');
    if (server.pinned) return bare('This server cannot be removed at runtime due to other configuration elements pointing to it.');
    if (server.connections > 0) return bare('Server still has connections attached to it, cannot remove it.');
    backend.servers.delete(name);
    return bare('Server deleted.');
  }

  private setServer(target: string, args: string[]): Reply {
    const [field, value] = args;
    return this.withServer(target, (s, b) => {
      if (field === 'weight') {
        if (!b.dynamic) return msg("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.");
        s.weight = Number(value);
        return EMPTY;
      }
      if (field === 'addr') return this.setAddress(s, args.slice(1));
      if (field === 'health' && (value === 'up' || value === 'stopping' || value === 'down')) {
        return s.track === undefined ? EMPTY : msg('cannot change health on a tracking server.');
      }
      if (field === 'state' && (value === 'ready' || value === 'maint' || value === 'drain')) {
        s.maint = value === 'maint';
        return EMPTY;
      }
      if (field === 'state') return msg("'set server <srv> state' expects 'ready', 'drain' and 'maint'.");
      return msg("'set server <srv>' only supports 'agent', 'health', 'state', 'weight', 'addr', 'fqdn', 'check-addr' and 'check-port'.");
    });
  }

  /** `set server ... addr <ip> [port <port>]`, answered as haproxy words each part. */
  private setAddress(s: FakeServer, args: string[]): Reply {
    const [ip = '', portKeyword, portText] = args;
    if (isIP(ip) === 0) return msg(`Invalid addr '${ip}' by 'stats socket command'`);
    const parts = [s.addr === ip ? 'no need to change the addr' : `IP changed from '${s.addr}' to '${ip}'`];
    if (portKeyword === 'port') {
      const port = Number(portText);
      parts.push(s.port === port ? 'no need to change the port' : `port changed from '${s.port === 0 ? '+0' : s.port}' to '${port}'`);
      s.port = port;
    }
    s.addr = ip;
    return msg(`${parts.join(', ')} by 'stats socket command'`);
  }

  /** haproxy keeps duplicates on add, and `del acl` removes every entry with the value. */
  private addAcl(file: string, args: string[]): Reply {
    const entries = this.acls.get(file);
    if (!entries) return msg('Unknown ACL identifier. Please use #<id> or <file>.');
    const [value] = args;
    if (value === undefined || args.length !== 1) return msg("'add acl' expects two parameters: ACL identifier and pattern.");
    entries.push(value);
    return EMPTY;
  }

  private delAcl(file: string, args: string[]): Reply {
    const entries = this.acls.get(file);
    // haproxy 2.6 says "map" here, for an ACL.
    if (!entries) return msg('Unknown map identifier. Please use #<id> or <file>.');
    const [value] = args;
    if (value === undefined || !entries.includes(value)) return msg('Key not found.');
    this.acls.set(file, entries.filter((e) => e !== value));
    return EMPTY;
  }

  private showAcl(file: string): Reply {
    const entries = this.acls.get(file);
    if (!entries) return msg('Unknown ACL identifier. Please use #<id> or <file>.');
    return msg(entries.map((e, i) => `0x${(i + 1).toString(16).padStart(12, '0')} ${e}`).join('\n'));
  }

  private showServersState(name: string | undefined): Reply {
    const backends = name === undefined ? [...this.backends.values()] : [this.backends.get(name)];
    if (backends.some((b) => b === undefined)) return msg("Can't find backend.");
    const rows: string[] = ['1', STATE_HEADER];
    for (const b of backends) {
      if (!b) continue;
      for (const s of b.servers.values()) {
        const checkState = s.health === 'none' ? 0 : s.health === 'disabled' ? 2 : 6;
        rows.push(
          [b.id, b.name, s.id, s.name, s.addr, s.maint ? 0 : 2, (s.maint ? 1 : 0) | (s.configDisabled ? 4 : 0), s.weight, s.initialWeight, 0, 1, 0, 0, checkState, 0, 0, 0, '-', s.port, '-', 0, 0, '-', '-', 0].join(' '),
        );
      }
    }
    return msg(rows.join('\n'));
  }
}
