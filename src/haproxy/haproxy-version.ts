import { errorMessage } from '../errors.ts';
import { VERSION_CHECK_TIMEOUT_MS } from './timeouts.ts';

/**
 * The oldest haproxy the router drives: `add server` with health checks and
 * TLS, `set ssl tls-key`, master-worker socket hand-over without
 * `expose-fd` and `close-spread-time` all arrived by 2.6.
 */
export const MIN_HAPROXY_VERSION = { major: 2, minor: 6 } as const;

export interface HaproxyVersion {
  major: number;
  minor: number;
  /** As haproxy prints it, e.g. `2.6.12-1+deb12u4`. */
  text: string;
}

/** Reads `HAProxy version 2.6.12-1+deb12u4 2023/...` (`HA-Proxy version 1.8.19 ...` before 1.9). */
export function parseHaproxyVersion(banner: string): HaproxyVersion | undefined {
  const m = /^HA-?Proxy version ((\d+)\.(\d+)\S*)/m.exec(banner);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { major: Number(m[2]), minor: Number(m[3]), text: m[1] };
}

export function isSupported(v: HaproxyVersion): boolean {
  return v.major > MIN_HAPROXY_VERSION.major || (v.major === MIN_HAPROXY_VERSION.major && v.minor >= MIN_HAPROXY_VERSION.minor);
}

const NEEDED = `${MIN_HAPROXY_VERSION.major}.${MIN_HAPROXY_VERSION.minor} or newer`;

/**
 * Runs `<binary> -v` once at start and returns the version, or throws a
 * message that says what to fix: without this, a missing or old haproxy
 * only shows as config checks that keep failing and being retried.
 */
export async function checkHaproxyBinary(binary: string): Promise<HaproxyVersion> {
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>;
  try {
    proc = Bun.spawn([binary, '-v'], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe', timeout: VERSION_CHECK_TIMEOUT_MS });
  } catch (err) {
    throw new Error(`cannot run haproxy "${binary}" (${errorMessage(err)}): install haproxy ${NEEDED} or point --haproxy-binary (ROUTER_HAPROXY_BINARY) at it`);
  }
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const version = parseHaproxyVersion(stdout);
  if (code !== 0 || version === undefined) {
    const said = `${stdout}\n${stderr}`.trim().split('\n')[0]?.slice(0, 200) || 'nothing';
    throw new Error(`"${binary} -v" did not print a haproxy version (exit ${code}, said: ${said}); --haproxy-binary must name haproxy ${NEEDED}`);
  }
  if (!isSupported(version)) throw new Error(`haproxy ${version.text} ("${binary}") is too old: router needs haproxy ${NEEDED}`);
  return version;
}

/**
 * Whether `<binary> -vv` says haproxy was built with Lua; false when it
 * cannot be asked (nothing depends on the answer but a warning).
 */
export async function haproxyHasLua(binary: string): Promise<boolean> {
  try {
    const proc = Bun.spawn([binary, '-vv'], { stdin: 'ignore', stdout: 'pipe', stderr: 'ignore', timeout: VERSION_CHECK_TIMEOUT_MS });
    const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    return code === 0 && /^Built with Lua version/m.test(stdout);
  } catch {
    return false;
  }
}
