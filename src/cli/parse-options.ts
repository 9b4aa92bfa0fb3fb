/**
 * Turns argv and the environment into typed RouterOptions, or into every
 * error found. Parsing is our own (pflag semantics) rather than citty's,
 * because citty silently accepts unknown flags and a typo must not start a
 * router with defaults.
 */
import { isIP } from 'node:net';
import type { AdmissionSettings } from '../admission/settings.ts';
import { resolveCiphers } from '../config/ciphers.ts';
import { isDns1123Subdomain } from '../domain/names.ts';
import type { KubeConnection } from '../kube-client/kube-config.ts';
import { LOG_LEVEL_NAMES, type LogFormat, type LogLevelName } from '../log.ts';
import {
  plannedText,
  ENV_SETTINGS,
  FLAGS,
  LOAD_BALANCE_ALGORITHMS,
  LOG_FORMATS,
  TLS_VERSIONS,
  type EnvSpec,
  type FlagSpec,
} from './flags.ts';
import { parseGoBool, parseGoDuration, parseHaproxyTime, parseInteger, type Parsed } from './values.ts';

export { helpText } from './help.ts';

/** How to reach the API server; undefined fields fall back to the kubeconfig, then in-cluster settings. */
export type KubeConnectionOptions = KubeConnection;

/** Where routes and endpoints come from. */
export type RoutingSource =
  | { readonly kind: 'manifests'; readonly dir: string }
  | {
      readonly kind: 'kubernetes';
      readonly connection: KubeConnectionOptions;
      /** undefined: every namespace. */
      readonly namespace: string | undefined;
      readonly routeLabels: string | undefined;
      readonly routeFields: string | undefined;
      readonly namespaceLabels: string | undefined;
      /** `*` selects every project the router can see. */
      readonly projectLabels: string | undefined;
      readonly watchEndpoints: boolean;
      readonly allowLoopbackEndpoints: boolean;
    };

/** Route status writing (--update-status, --name, --router-canonical-hostname). */
export interface StatusOptions {
  readonly update: boolean;
  readonly canonicalHostname: string | undefined;
  /** Window of the contention tracker: upstream uses resync-interval / 10. */
  readonly contentionWindowMs: number;
}

export type LoadBalanceAlgorithm = (typeof LOAD_BALANCE_ALGORITHMS)[number];

/** haproxy tuning read from upstream's template variables; times in milliseconds. */
export interface HaproxyTuning {
  readonly connectTimeoutMs: number;
  readonly clientTimeoutMs: number;
  readonly clientFinTimeoutMs: number;
  readonly serverTimeoutMs: number;
  readonly serverFinTimeoutMs: number;
  /** `timeout http-request` (ROUTER_SLOWLORIS_TIMEOUT). */
  readonly httpRequestTimeoutMs: number;
  /** `timeout http-keep-alive` (ROUTER_SLOWLORIS_HTTP_KEEPALIVE). */
  readonly httpKeepAliveTimeoutMs: number;
  readonly tunnelTimeoutMs: number;
  readonly inspectDelayMs: number;
  /** `undefined`: no hard-stop-after, old processes drain for as long as their connections last. */
  readonly hardStopAfterMs: number | undefined;
  /** `undefined`: haproxy picks the thread count. */
  readonly threads: number | undefined;
  readonly bufSize: number;
  readonly maxRewrite: number;
  readonly loadBalanceAlgorithm: LoadBalanceAlgorithm;
  readonly checkIntervalMs: number;
  /** ROUTER_COOKIE_NAME; `undefined`: each route's cookie is named after the route. */
  readonly cookieName: string | undefined;
}

/** How the router stops (upstream's shutdown variables); milliseconds. */
export interface ShutdownOptions {
  /** ROUTER_GRACEFUL_SHUTDOWN_DELAY: haproxy serves on this long after SIGTERM/SIGINT, readiness failing. */
  readonly gracefulDelayMs: number;
  /** ROUTER_MAX_SHUTDOWN_TIMEOUT: how long haproxy drains its connections before SIGTERM. */
  readonly drainTimeoutMs: number;
}

/** Where the default certificate comes from; upstream's precedence: contents, then file, then directory. */
export type DefaultCertificateSource =
  | { readonly kind: 'pem'; readonly pem: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'dir'; readonly dir: string }
  | { readonly kind: 'generate' };

export type TlsVersion = (typeof TLS_VERSIONS)[number];

export interface TlsOptions {
  readonly defaultCertificate: DefaultCertificateSource;
  readonly defaultDestinationCaPath: string;
  /** A CA path the operator named must exist; the built-in default is used only when present (as upstream). */
  readonly defaultDestinationCaExplicit: boolean;
  readonly ciphers: string;
  readonly dhParamBits: number;
  readonly ciphersuites: string | undefined;
  readonly minVersion: TlsVersion;
  readonly maxVersion: TlsVersion | undefined;
  readonly strictSni: boolean;
  readonly http2: boolean;
}

/** Everything the router process needs from its command line and environment. */
export interface RouterOptions {
  readonly source: RoutingSource;
  /** "" binds every address, as openshift-router does. */
  readonly bindAddress: string;
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly workingDir: string;
  readonly haproxyBinary: string;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevelName;
  /** `undefined`: use the embedded template. */
  readonly templatePath: string | undefined;
  /** Minimum time between reload starts; 0 reloads as soon as a change arrives. Runtime updates never wait. */
  readonly intervalMs: number;
  /** Endpoint changes through the runtime API (--runtime-updates, or upstream's --haproxy-config-manager). */
  readonly runtimeUpdates: boolean;
  /** Longest time routes run on spare backends before a reload gives them their own (--commit-interval). */
  readonly commitIntervalMs: number;
  /** Spare backends per route shape (--blueprint-route-pool-size). */
  readonly sparesPerShape: number;
  readonly maxConnections: number;
  /** Router name for route status (`--name`). */
  readonly routerName: string;
  readonly haproxy: HaproxyTuning;
  readonly shutdown: ShutdownOptions;
  readonly tls: TlsOptions;
  readonly admission: AdmissionSettings;
  readonly status: StatusOptions;
  /** Let UDP endpoint ports become servers (--include-udp-endpoints). */
  readonly includeUdpEndpoints: boolean;
  /** Parse and check route certificates and keys (--extended-validation). */
  readonly extendedValidation: boolean;
}

export type ParseResult = { ok: true; options: RouterOptions } | { ok: false; errors: string[] };

type Env = Readonly<Record<string, string | undefined>>;
type Value = string | number | boolean | readonly string[];
type Origin = { kind: 'cli'; spelled: string } | { kind: 'env'; variable: string } | { kind: 'default' };
interface RawSetting {
  raw: string;
  origin: Origin;
}
interface Occurrence {
  spelled: string;
  raw: string;
}

const FLAG_BY_SPELLING: ReadonlyMap<string, FlagSpec> = new Map(
  FLAGS.flatMap((flag) => [flag.name, ...(flag.aliases ?? [])].map((spelling) => [spelling, flag] as const)),
);

/**
 * Parses argv (without the executable) and the environment.
 * Precedence: command line > environment > default. Pure: reads nothing else.
 */
export function parseOptions(argv: readonly string[], env: Env): ParseResult {
  const scanned = scanArgv(argv);
  const errors = [...scanned.errors];
  const values = new Map<string, { value: Value; origin: Origin }>();
  const keep = (name: string, raw: RawSetting | undefined, value: Value | undefined) => {
    if (raw && value !== undefined) values.set(name, { value, origin: raw.origin });
  };

  const ambientAllowed = !manifestsChosen(scanned.given, env);
  for (const flag of FLAGS) {
    const raw = rawFlag(flag, scanned.given, env, ambientAllowed);
    keep(flag.name, raw, evaluate(flag, raw, errors));
  }
  for (const setting of ENV_SETTINGS) {
    const raw = rawEnvSetting(setting, env);
    keep(setting.name, raw, evaluate(setting, raw, errors));
  }

  const settings = new ResolvedSettings(values);
  errors.push(...crossCheck(settings));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, options: assemble(settings) };
}

/** Splits argv into flag occurrences the way pflag does; anything else is an error. */
function scanArgv(argv: readonly string[]): { given: Map<FlagSpec, Occurrence[]>; errors: string[] } {
  const given = new Map<FlagSpec, Occurrence[]>();
  const errors: string[] = [];
  let index = 0;
  const next = (): string | undefined => argv[index++];
  for (let arg = next(); arg !== undefined; arg = next()) {
    if (arg === '--') {
      for (let rest = next(); rest !== undefined; rest = next()) errors.push(unexpectedArgument(rest));
      break;
    }
    const token = splitFlag(arg);
    if (!token) {
      errors.push(unexpectedArgument(arg));
      continue;
    }
    const flag = FLAG_BY_SPELLING.get(token.spelled);
    if (!flag) {
      errors.push(`unknown flag ${token.spelled}`);
      continue;
    }
    // As in pflag, a boolean never takes the next argument: `--strict-sni false` leaves "false" positional.
    const raw = token.inline ?? (flag.type === 'boolean' ? 'true' : next());
    if (raw === undefined) {
      errors.push(`flag needs an argument: ${token.spelled}`);
      continue;
    }
    given.set(flag, [...(given.get(flag) ?? []), { spelled: token.spelled, raw }]);
  }
  return { given, errors };
}

/** `--name[=value]`, `-n[=]value`; `undefined` for a positional argument. */
function splitFlag(arg: string): { spelled: string; inline: string | undefined } | undefined {
  if (arg.startsWith('--')) {
    const eq = arg.indexOf('=');
    return eq < 0 ? { spelled: arg, inline: undefined } : { spelled: arg.slice(0, eq), inline: arg.slice(eq + 1) };
  }
  if (arg.startsWith('-') && arg.length > 1) {
    const tail = arg.slice(2);
    return { spelled: arg.slice(0, 2), inline: tail === '' ? undefined : tail.replace(/^=/, '') };
  }
  return undefined;
}

function unexpectedArgument(arg: string): string {
  return `unexpected argument "${arg}": router takes flags only`;
}

/** An explicit --manifests (flag or env) makes the user's ambient kubectl variables irrelevant. */
function manifestsChosen(given: Map<FlagSpec, Occurrence[]>, env: Env): boolean {
  const flag = FLAG_BY_SPELLING.get('--manifests');
  const origin = flag && rawFlag(flag, given, env, false)?.origin.kind;
  return origin === 'cli' || origin === 'env';
}

function rawFlag(flag: FlagSpec, given: Map<FlagSpec, Occurrence[]>, env: Env, ambientAllowed: boolean): RawSetting | undefined {
  const occurrences = given.get(flag) ?? [];
  const last = occurrences.at(-1);
  if (last) {
    const raw = flag.type === 'list' ? occurrences.map((o) => o.raw).join(',') : last.raw;
    return { raw, origin: { kind: 'cli', spelled: last.spelled } };
  }
  const fromEnv = flag.ambientEnv && !ambientAllowed ? undefined : firstNonEmpty(flag.env ?? [], env);
  return fromEnv ?? withDefault(flag);
}

function rawEnvSetting(setting: EnvSpec, env: Env): RawSetting | undefined {
  return firstNonEmpty([setting.name], env) ?? withDefault(setting);
}

function firstNonEmpty(names: readonly string[], env: Env): RawSetting | undefined {
  for (const variable of names) {
    const raw = env[variable];
    if (raw !== undefined && raw !== '') return { raw, origin: { kind: 'env', variable } };
  }
  return undefined;
}

function withDefault(spec: FlagSpec | EnvSpec): RawSetting | undefined {
  return spec.default === undefined ? undefined : { raw: spec.default, origin: { kind: 'default' } };
}

/** Applies the setting's support status; the value, or `undefined` when absent, refused or ignored. */
function evaluate(spec: FlagSpec | EnvSpec, raw: RawSetting | undefined, errors: string[]): Value | undefined {
  if (!raw) return undefined;
  const given = raw.origin.kind !== 'default';
  const subject = describeOrigin(spec.name, raw.origin);
  if (!spec.implemented) {
    if (given) errors.push(`${subject} is ${plannedText(spec.issue)}${ambientHint(spec, raw.origin)}`);
    return undefined;
  }
  if ('rejected' in spec) {
    if (given) errors.push(`${subject} is not used: ${spec.rejected}`);
    return undefined;
  }
  const parsed = parseSetting(spec, raw.raw);
  if (!parsed.ok) {
    errors.push(`${subject}: ${parsed.error}`);
    return undefined;
  }
  return 'ignored' in spec ? undefined : parsed.value;
}

/** A kubeconfig in the user's shell should not leave them guessing how to run router without one. */
function ambientHint(spec: FlagSpec | EnvSpec, origin: Origin): string {
  return 'ambientEnv' in spec && origin.kind === 'env' ? '; pass --manifests DIR to serve manifests instead' : '';
}

function describeOrigin(name: string, origin: Origin): string {
  switch (origin.kind) {
    case 'cli':
      return origin.spelled;
    case 'env':
      return origin.variable === name ? name : `${name} (from env ${origin.variable})`;
    case 'default':
      return `${name} (default)`;
  }
}

function parseSetting(spec: FlagSpec | EnvSpec, raw: string): Parsed<Value> {
  switch (spec.type) {
    case 'string':
      return raw === '' ? { ok: false, error: 'must not be empty' } : { ok: true, value: raw };
    case 'boolean':
      return parseGoBool(raw);
    case 'int':
      return parseInteger(raw, spec.min, spec.max);
    case 'duration':
      return atLeast(parseGoDuration(raw), spec.min, raw);
    case 'time':
      return parseHaproxyTime(raw);
    case 'list':
      return { ok: true, value: raw === '' ? [] : raw.split(',') };
    case 'enum':
      return spec.choices?.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, error: `invalid value "${raw}" (want one of ${spec.choices?.join(', ')})` };
  }
}

function atLeast(parsed: Parsed<number>, minMs: number | undefined, raw: string): Parsed<number> {
  if (!parsed.ok || minMs === undefined || parsed.value >= minMs) return parsed;
  return { ok: false, error: `invalid duration "${raw}" (want at least ${minMs}ms)` };
}

/** Typed access to resolved values; a miss is a bug in the tables, not user error. */
class ResolvedSettings {
  constructor(private readonly values: ReadonlyMap<string, { value: Value; origin: Origin }>) {}

  given(name: string): boolean {
    const origin = this.values.get(name)?.origin.kind;
    return origin === 'cli' || origin === 'env';
  }

  optionalString(name: string): string | undefined {
    const value = this.values.get(name)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.values.get(name)?.value;
    return typeof value === 'boolean' ? value : undefined;
  }

  boolean(name: string): boolean {
    return this.optionalBoolean(name) ?? missing(name);
  }

  list(name: string): string[] {
    const value = this.values.get(name)?.value;
    return Array.isArray(value) ? value.map((v) => v.trim()).filter((v) => v !== '') : [];
  }

  optionalNumber(name: string): number | undefined {
    const value = this.values.get(name)?.value;
    return typeof value === 'number' ? value : undefined;
  }

  string(name: string): string {
    return this.optionalString(name) ?? missing(name);
  }

  number(name: string): number {
    return this.optionalNumber(name) ?? missing(name);
  }

  oneOf<T extends string>(name: string, choices: readonly T[]): T {
    const value = this.optionalString(name);
    return choices.find((choice) => choice === value) ?? missing(name);
  }
}

function missing(name: string): never {
  throw new Error(`internal error: ${name} has no value; check its default in src/cli/flags.ts`);
}

/** Checks that span several settings; each runs only when its inputs parsed. */
function crossCheck(settings: ResolvedSettings): string[] {
  const errors: string[] = [];
  const http = settings.optionalNumber('--http-port');
  if (http !== undefined && http === settings.optionalNumber('--https-port')) {
    errors.push(`--http-port and --https-port must differ (both are ${http})`);
  }
  const bindAddress = settings.optionalString('--bind-address');
  if (bindAddress !== undefined && isIP(bindAddress) === 0) {
    errors.push(`--bind-address: invalid value "${bindAddress}" (want an IPv4 or IPv6 address)`);
  }
  errors.push(...sourceConflicts(settings));
  // These paths are written into haproxy.config, where whitespace and '#' would split or end a line.
  for (const flag of ['--working-dir', '--default-certificate-path', '--default-certificate-dir', '--default-destination-ca-path'] as const) {
    const path = settings.optionalString(flag);
    if (path !== undefined && /[\s#"'\\]/.test(path)) errors.push(`${flag}: "${path}" must not contain whitespace, quotes, backslashes or '#'`);
  }
  const canonical = settings.optionalString('--router-canonical-hostname');
  if (canonical !== undefined && (isIP(canonical) !== 0 || !isDns1123Subdomain(canonical))) {
    errors.push(`--router-canonical-hostname: invalid value "${canonical}" (want a DNS-1123 host name, not an IP address)`);
  }
  for (const flag of ['--override-hostname', '--override-domains'] as const) {
    const used = flag === '--override-hostname' ? settings.optionalBoolean(flag) === true : settings.list(flag).length > 0;
    if (used && settings.optionalString('--hostname-template') === undefined) errors.push(`${flag} requires --hostname-template`);
  }
  const ciphers = settings.optionalString('--ciphers');
  const resolved = ciphers === undefined ? undefined : resolveCiphers(ciphers);
  if (resolved && !resolved.ok) errors.push(`--ciphers: ${resolved.error}`);
  const suites = settings.optionalString('ROUTER_CIPHERSUITES');
  if (suites !== undefined && !/^[A-Za-z0-9_:]+$/.test(suites)) {
    errors.push(`ROUTER_CIPHERSUITES: invalid value "${suites}" (want a colon-separated list of TLS 1.3 cipher suites)`);
  }
  const manager = settings.optionalBoolean('--haproxy-config-manager');
  if (manager !== undefined && settings.given('--runtime-updates') && manager !== settings.optionalBoolean('--runtime-updates')) {
    errors.push('--haproxy-config-manager and --runtime-updates are the same switch and disagree');
  }
  const cookieName = settings.optionalString('ROUTER_COOKIE_NAME');
  if (cookieName !== undefined && !/^[a-zA-Z0-9_-]+$/.test(cookieName)) {
    errors.push(`ROUTER_COOKIE_NAME: invalid value "${cookieName}" (want letters, digits, '_' and '-' only)`);
  }
  return errors;
}

/** Flags that only mean something with a Kubernetes connection. */
const KUBE_CONNECTION_FLAGS = ['--config', '--server', '--context', '--token', '--certificate-authority', '--client-certificate', '--client-key', '--insecure-skip-tls-verify'] as const;
const SELECTION_FLAGS = ['--namespace', '--labels', '--fields', '--namespace-labels', '--project-labels'] as const;

function kubernetesChosen(s: ResolvedSettings): boolean {
  return KUBE_CONNECTION_FLAGS.some((flag) => s.given(flag));
}

function sourceConflicts(s: ResolvedSettings): string[] {
  const errors: string[] = [];
  const kube = kubernetesChosen(s);
  if (kube && s.given('--manifests')) errors.push('--manifests and a Kubernetes connection (--server, --config, ...) exclude each other');
  if (!kube) {
    for (const flag of SELECTION_FLAGS) if (s.given(flag)) errors.push(`${flag} needs a Kubernetes connection (--server or --config)`);
  }
  if (s.given('--project-labels') && (s.given('--namespace') || s.given('--namespace-labels'))) {
    errors.push('--project-labels excludes --namespace and --namespace-labels');
  }
  if (s.given('--namespace-labels') && s.given('--namespace')) errors.push('--namespace-labels excludes --namespace');
  return errors;
}

function routingSource(s: ResolvedSettings): RoutingSource {
  if (!kubernetesChosen(s)) return { kind: 'manifests', dir: s.string('--manifests') };
  const timeout = s.number('--request-timeout');
  const connection: KubeConnection = {
    server: s.optionalString('--server'),
    token: s.optionalString('--token'),
    kubeconfig: s.optionalString('--config'),
    context: s.optionalString('--context'),
    certificateAuthority: s.optionalString('--certificate-authority'),
    clientCertificate: s.optionalString('--client-certificate'),
    clientKey: s.optionalString('--client-key'),
    insecureSkipTlsVerify: s.boolean('--insecure-skip-tls-verify'),
    ...(timeout > 0 ? { requestTimeoutMs: timeout } : {}),
  };
  return {
    kind: 'kubernetes',
    connection,
    namespace: s.optionalString('--namespace'),
    routeLabels: s.optionalString('--labels'),
    routeFields: s.optionalString('--fields'),
    namespaceLabels: s.optionalString('--namespace-labels'),
    projectLabels: s.optionalString('--project-labels'),
    watchEndpoints: s.boolean('--watch-endpoints'),
    allowLoopbackEndpoints: s.boolean('--allow-loopback-endpoints'),
  };
}

function defaultCertificate(s: ResolvedSettings): DefaultCertificateSource {
  const pem = s.optionalString('--default-certificate');
  if (pem !== undefined) return { kind: 'pem', pem };
  const path = s.optionalString('--default-certificate-path');
  if (path !== undefined) return { kind: 'file', path };
  const dir = s.optionalString('--default-certificate-dir');
  if (dir !== undefined) return { kind: 'dir', dir };
  return { kind: 'generate' };
}

function tlsOptions(s: ResolvedSettings): TlsOptions {
  const ciphers = resolveCiphers(s.string('--ciphers'));
  if (!ciphers.ok) return missing('--ciphers');
  const maxVersion = s.optionalString('SSL_MAX_VERSION');
  return {
    defaultCertificate: defaultCertificate(s),
    defaultDestinationCaPath: s.string('--default-destination-ca-path'),
    defaultDestinationCaExplicit: s.given('--default-destination-ca-path'),
    ciphers: ciphers.ciphers,
    dhParamBits: ciphers.dhParamBits,
    ciphersuites: s.optionalString('ROUTER_CIPHERSUITES'),
    minVersion: s.oneOf('SSL_MIN_VERSION', TLS_VERSIONS),
    maxVersion: maxVersion === undefined ? undefined : s.oneOf('SSL_MAX_VERSION', TLS_VERSIONS),
    strictSni: s.boolean('--strict-sni'),
    http2: !s.boolean('ROUTER_DISABLE_HTTP2'),
  };
}

/** klog verbosity as openshift-router deployments pass it (`--v=2` is the image default). */
function levelFromKlog(verbosity: number): LogLevelName {
  if (verbosity >= 5) return 'trace';
  return verbosity >= 3 ? 'debug' : 'info';
}

function logLevel(settings: ResolvedSettings): LogLevelName {
  if (!settings.given('--loglevel') && settings.given('--v')) return levelFromKlog(settings.number('--v'));
  return settings.oneOf('--loglevel', LOG_LEVEL_NAMES);
}

function assemble(s: ResolvedSettings): RouterOptions {
  return {
    source: routingSource(s),
    bindAddress: s.optionalString('--bind-address') ?? '',
    httpPort: s.number('--http-port'),
    httpsPort: s.number('--https-port'),
    workingDir: s.string('--working-dir'),
    haproxyBinary: s.string('--haproxy-binary'),
    logFormat: s.oneOf('--log-format', LOG_FORMATS),
    logLevel: logLevel(s),
    templatePath: s.optionalString('--template'),
    intervalMs: s.number('--interval'),
    runtimeUpdates: s.optionalBoolean('--haproxy-config-manager') ?? s.boolean('--runtime-updates'),
    commitIntervalMs: s.number('--commit-interval'),
    sparesPerShape: s.number('--blueprint-route-pool-size'),
    maxConnections: s.number('--max-connections'),
    routerName: s.string('--name'),
    haproxy: {
      connectTimeoutMs: s.number('ROUTER_DEFAULT_CONNECT_TIMEOUT'),
      clientTimeoutMs: s.number('ROUTER_DEFAULT_CLIENT_TIMEOUT'),
      clientFinTimeoutMs: s.number('ROUTER_CLIENT_FIN_TIMEOUT'),
      serverTimeoutMs: s.number('ROUTER_DEFAULT_SERVER_TIMEOUT'),
      serverFinTimeoutMs: s.number('ROUTER_DEFAULT_SERVER_FIN_TIMEOUT'),
      httpRequestTimeoutMs: s.number('ROUTER_SLOWLORIS_TIMEOUT'),
      httpKeepAliveTimeoutMs: s.number('ROUTER_SLOWLORIS_HTTP_KEEPALIVE'),
      tunnelTimeoutMs: s.number('ROUTER_DEFAULT_TUNNEL_TIMEOUT'),
      inspectDelayMs: s.number('ROUTER_INSPECT_DELAY'),
      hardStopAfterMs: s.optionalNumber('ROUTER_HARD_STOP_AFTER'),
      threads: s.optionalNumber('ROUTER_THREADS'),
      bufSize: s.number('ROUTER_BUF_SIZE'),
      maxRewrite: s.number('ROUTER_MAX_REWRITE_SIZE'),
      loadBalanceAlgorithm: s.oneOf('ROUTER_LOAD_BALANCE_ALGORITHM', LOAD_BALANCE_ALGORITHMS),
      checkIntervalMs: s.number('ROUTER_BACKEND_CHECK_INTERVAL'),
      cookieName: s.optionalString('ROUTER_COOKIE_NAME'),
    },
    shutdown: {
      gracefulDelayMs: s.number('ROUTER_GRACEFUL_SHUTDOWN_DELAY'),
      drainTimeoutMs: s.number('ROUTER_MAX_SHUTDOWN_TIMEOUT') * 1000,
    },
    tls: tlsOptions(s),
    admission: {
      allowedDomains: s.list('--allowed-domains'),
      deniedDomains: s.list('--denied-domains'),
      allowWildcardRoutes: s.boolean('--allow-wildcard-routes'),
      disableNamespaceOwnershipCheck: s.boolean('--disable-namespace-ownership-check'),
      hostnameTemplate: s.optionalString('--hostname-template'),
      overrideHostname: s.boolean('--override-hostname'),
      overrideDomains: s.list('--override-domains'),
      routerDomain: s.optionalString('--router-domain'),
    },
    extendedValidation: s.boolean('--extended-validation'),
    status: {
      update: s.boolean('--update-status'),
      canonicalHostname: s.optionalString('--router-canonical-hostname'),
      contentionWindowMs: s.number('--resync-interval') / 10,
    },
    includeUdpEndpoints: s.boolean('--include-udp-endpoints'),
  };
}
