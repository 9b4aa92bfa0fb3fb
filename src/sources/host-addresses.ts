/**
 * The host's own addresses, which endpoints from the API may not point at:
 * an EndpointSlice naming one would reach whatever listens on the host
 * (sshd, the kubelet, exporters). os.networkInterfaces() leaves out
 * interfaces that are down or have no carrier (libuv lists only running
 * ones), yet Linux still delivers to their addresses locally (docker0
 * without containers). So IPv4 also comes from the kernel's local routes
 * (/proc/net/fib_trie, `ip route add local` ranges included) and IPv6 from
 * /proc/net/if_inet6; networkInterfaces() covers systems without them.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { restriction, type HostAddresses } from '../config/endpoint-address.ts';
import { parseCidr, type Cidr } from '../domain/cidr.ts';
import { formatIp, parseIp, reachedText } from '../domain/ip.ts';
import type { Logger } from '../log.ts';

/** How often the addresses are re-read between commits, so an endpoint that became a host address goes without waiting for another change. */
const POLL_MS = 2000;
/** Addresses named in one log line; a node with kube-proxy in IPVS mode holds every ClusterIP. */
const LOGGED_ADDRESSES = 10;

/** Local IPv4 routes in /proc/net/fib_trie: `|-- <address>` followed by `/<length> <scope> LOCAL`. */
export function parseFibTrie(text: string): { addresses: string[]; ranges: Cidr[] } {
  const addresses: string[] = [];
  const ranges: Cidr[] = [];
  let leaf: string | undefined;
  for (const line of text.split('\n')) {
    const node = /^[\s|+-]*\|--\s+(\S+)\s*$/.exec(line);
    if (node) {
      leaf = node[1];
      continue;
    }
    const route = /^\s*\/(\d+)\s+\S+\s+LOCAL\b/.exec(line);
    if (!route || leaf === undefined) continue;
    if (route[1] === '32') addresses.push(leaf);
    else {
      const range = parseCidr(`${leaf}/${route[1]}`);
      if (range.ok) ranges.push(range.cidr);
    }
  }
  return { addresses, ranges };
}

/** /proc/net/if_inet6: one address per line, as 32 hex digits first. */
export function parseIfInet6(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const hex = /^([0-9a-f]{32})\s/.exec(line)?.[1];
    return hex ? [formatIp({ bytes: Uint8Array.from(Buffer.from(hex, 'hex')), family: 6 })] : [];
  });
}

/** A file of /proc, or nothing where there is none (no such table on this system). */
function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function interfaceAddresses(): string[] {
  // Link-local addresses carry a zone (fe80::1%eth0) on some platforms.
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address.replace(/%.*$/, '')));
}

/**
 * Addresses the endpoint filter refuses anyway (loopback, link-local) are
 * left out: every pod's host-side veth gets a link-local address, which
 * would otherwise change the set at each pod start.
 */
export function hostAddressSet(addresses: readonly string[], ranges: readonly Cidr[]): HostAddresses {
  const kept = new Set<string>();
  for (const text of addresses) {
    const ip = parseIp(text);
    if (ip && restriction(ip) === undefined) kept.add(reachedText(ip));
  }
  const keptRanges = new Map<string, Cidr>();
  for (const range of ranges) {
    const network = parseIp(range.text.slice(0, range.text.indexOf('/')));
    if (network && restriction(network) === undefined) keptRanges.set(range.text, range);
  }
  return { addresses: kept, ranges: [...keptRanges.values()] };
}

/** What the host's addresses are read from, as read: the kernel's local IPv4 routes, its IPv6 addresses, the interfaces' addresses. */
interface HostSources {
  fibTrie: string;
  ifInet6: string;
  interfaces: string[];
}

/**
 * The interfaces' list only where the kernel's tables cannot be read: they
 * hold every address it has (each IPv4 one as a local route, down
 * interfaces' included), and listing the interfaces took a netlink
 * exchange of a dozen system calls on every commit.
 */
function readSources(): HostSources {
  const fibTrie = readProc('/proc/net/fib_trie');
  const ifInet6 = readProc('/proc/net/if_inet6');
  return { fibTrie, ifInet6, interfaces: fibTrie === '' || ifInet6 === '' ? interfaceAddresses() : [] };
}

function addressesOf(sources: HostSources): HostAddresses {
  const v4 = parseFibTrie(sources.fibTrie);
  return hostAddressSet([...v4.addresses, ...parseIfInet6(sources.ifInet6), ...sources.interfaces], v4.ranges);
}

export function readHostAddresses(): HostAddresses {
  return addressesOf(readSources());
}

/**
 * Reads the host's addresses, parsing them again only when what they are
 * read from changed, and then returning the same object: every commit
 * reads them, and parsing cost more than reading (about 0.3 ms a commit
 * here; on a node with kube-proxy in IPVS mode the local routes list every
 * ClusterIP).
 */
export function hostAddressReader(): () => HostAddresses {
  let last: { sources: HostSources; addresses: HostAddresses } | undefined;
  const same = (a: HostSources, b: HostSources) => a.fibTrie === b.fibTrie && a.ifInet6 === b.ifInet6 && a.interfaces.join(' ') === b.interfaces.join(' ');
  return () => {
    const sources = readSources();
    if (!last || !same(last.sources, sources)) last = { sources, addresses: addressesOf(sources) };
    return last.addresses;
  };
}

function entries(h: HostAddresses): string[] {
  return [...h.addresses, ...h.ranges.map((r) => r.text)].sort();
}

function listed(items: string[]): string {
  const more = items.length - LOGGED_ADDRESSES;
  return items.slice(0, LOGGED_ADDRESSES).join(', ') + (more > 0 ? ` and ${more} more` : '');
}

export interface HostAddressFollower {
  /**
   * The host's addresses now. Read afresh at the first call of a synchronous
   * run, so each commit sees them as they are when it builds its model, and
   * reads them once however many endpoints it checks.
   */
  current(): HostAddresses;
  stop(): void;
}

/** Follows the host's addresses; `onChange` asks for a commit when they change between commits. */
export function followHostAddresses(opts: { logger: Logger; onChange: () => void; read?: () => HostAddresses; pollMs?: number }): HostAddressFollower {
  const read = opts.read ?? hostAddressReader();
  let snapshot = read();
  let fresh = false;
  opts.logger.info(`endpoints from the API at this host's addresses are refused: ${listed(entries(snapshot)) || 'none yet'}`);

  const take = (next: HostAddresses): boolean => {
    if (next === snapshot) return false;
    const before = new Set(entries(snapshot));
    const after = entries(next);
    const added = after.filter((e) => !before.has(e));
    const removed = [...before].filter((e) => !after.includes(e));
    // The same addresses keep the same snapshot: its identity says whether anything changed (DesiredState).
    if (added.length === 0 && removed.length === 0) return false;
    snapshot = next;
    opts.logger.debug(`host addresses changed: added ${listed(added) || 'none'}; removed ${listed(removed) || 'none'}`);
    return true;
  };
  const timer = setInterval(() => {
    if (take(read())) opts.onChange();
  }, opts.pollMs ?? POLL_MS);
  timer.unref();
  return {
    current() {
      if (!fresh) {
        take(read());
        fresh = true;
        queueMicrotask(() => (fresh = false));
      }
      return snapshot;
    },
    stop: () => clearInterval(timer),
  };
}
