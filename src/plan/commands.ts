/**
 * The runtime-API commands the planners produce, as data: the language of a
 * runtime plan. The socket client turns them into CLI requests and judges
 * haproxy's replies (haproxy/runtime-api/commands.ts).
 */
import type { CrtListEntry } from '../config/model.ts';
import type { ServerRef } from '../domain/names.ts';

/** A command that changes one server of a running backend. */
export type ServerCommand =
  /** Registers a server in maintenance, with health checks off, whatever its options say. */
  | (ServerRef & { kind: 'add-server'; address: string; options: string })
  | (ServerRef & { kind: 'enable-server' })
  | (ServerRef & { kind: 'enable-health' })
  /** Stops the check; the server keeps the state its last result gave it (down stays down): see set-health-up. */
  | (ServerRef & { kind: 'disable-health' })
  /** Marks a server up, and every server tracking it; for a server whose check is off, that is where it stays. */
  | (ServerRef & { kind: 'set-health-up' })
  /** Points a server (a check slot) at another endpoint. */
  | (ServerRef & { kind: 'set-addr'; ip: string; port: number })
  | (ServerRef & { kind: 'set-weight'; weight: number })
  /** The server's connection limit; 0 lifts it. */
  | (ServerRef & { kind: 'set-maxconn'; maxconn: number })
  /** No new traffic; requests in flight finish. `del-server` accepts only servers in this state. */
  | (ServerRef & { kind: 'set-maint' })
  /** Out of load balancing but not in maintenance: the way out of maint that makes entering it again close idle connections. */
  | (ServerRef & { kind: 'set-drain' })
  | (ServerRef & { kind: 'del-server' });

/**
 * A command on a running backend's sticky cookies. Either one recomputes the
 * dynamic cookie of every server in the backend; `add server` computes none
 * (2.6), so one follows the servers it adds, before they leave maintenance.
 */
export type CookieCommand =
  | { kind: 'set-dynamic-cookie-key'; backend: string; key: string }
  | { kind: 'enable-dynamic-cookie'; backend: string };

/**
 * A command that changes which certificates the TLS frontend serves.
 * `certFile`, the file's absolute path, is the certificate's name in
 * haproxy, as the crt-list line gives it. haproxy 2.6 holds one certificate
 * transaction at a time, so a certificate is created, set and committed in
 * a row before the next one.
 */
export type CertificateCommand =
  /** Registers an empty certificate under the name. */
  | { kind: 'new-ssl-cert'; certFile: string }
  /** Opens the transaction that fills it; `pem` is key, certificate and chain, as the file holds them. */
  | { kind: 'set-ssl-cert'; certFile: string; pem: string }
  | { kind: 'commit-ssl-cert'; certFile: string }
  /**
   * Appends a line holding `entries` (one certificate file and options, see
   * config/crt-list.ts) to the crt-list: from then on their SNIs are served
   * with that certificate.
   */
  | { kind: 'add-crt-list'; crtList: string; entries: readonly CrtListEntry[] }
  /**
   * Removes one line, by the number haproxy gave it (crt-line-numbers.ts): a
   * file shared by several lines cannot be deleted by name alone. Every
   * entry of the line goes with it; `entry` is the one the plan removes.
   */
  | { kind: 'del-crt-list'; crtList: string; entry: CrtListEntry; line: number }
  /** Forgets a certificate no crt-list line uses any more. */
  | { kind: 'del-ssl-cert'; certFile: string };

/**
 * A command that changes one entry of a routing map (`map` / `map_beg`
 * lookups see it at once). Each is atomic on its own; planners order them so
 * that no request finds an entry missing that both maps should have.
 */
export type MapCommand =
  | { kind: 'add-map'; map: string; key: string; value: string }
  | { kind: 'set-map'; map: string; key: string; value: string }
  | { kind: 'del-map'; map: string; key: string };

/**
 * Loads a CA file into haproxy's store under its path: haproxy reads a CA
 * file only when a server line of the configuration names it, and `add
 * server ... ca-file` cannot read one from disk. Created, set and committed
 * in a row, as certificates are (one transaction at a time).
 */
export type CaFileCommand =
  /** Registers an empty CA file; one already there is fine (the set and commit that follow replace its contents). */
  | { kind: 'new-ssl-ca-file'; caFile: string }
  | { kind: 'set-ssl-ca-file'; caFile: string; pem: string }
  | { kind: 'commit-ssl-ca-file'; caFile: string };

/**
 * A command that changes one entry of an ACL file a backend matches clients
 * against (an allowlist). Entries are added before the ones that leave are
 * deleted, so a client allowed both before and after is never refused.
 */
export type AclCommand = { kind: 'add-acl'; acl: string; value: string } | { kind: 'del-acl'; acl: string; value: string };

/**
 * The process's connection limit (`maxconn` in `global`). haproxy takes any
 * value up to the one the worker loaded with: lowering it frees descriptors
 * for health checks added since, so a change of the descriptor budget needs
 * no reload (descriptor-budget.ts).
 */
export type GlobalCommand = { kind: 'set-maxconn-global'; maxconn: number };

/** A command for a running worker; see commandRequest for its haproxy form. */
export type RuntimeCommand = ServerCommand | CookieCommand | CertificateCommand | CaFileCommand | MapCommand | AclCommand | GlobalCommand;
